// Customers are isolated on every endpoint: another customer's groupcall, call,
// agent or extension answers exactly as a random id does (404, same body), lists
// show only one's own, and hanging up, updating or deleting another's resource
// changes nothing.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Isolation : public ApiTest {
 protected:
  // Customer A's resources: a ringing groupcall (two legs), an agent, an extension.
  void SetUp() override {
    ApiTest::SetUp();
    agent = create_agent(*a, agent_body("A's agent", {endpoint("agent-a@sim")}));
    extension = create_extension(*a, extension_body("A's desk", "2001", {endpoint("desk-a@sim")}));
    gc = create_groupcall(*a, groupcall_body({endpoint("a1@sim"), endpoint("a2@sim")}));
    for (auto& c : strings(gc, "call_ids")) await_call(*a, c, has_status("ringing"));
    before = everything(*a);
    gc_before = groupcall(*a, str(gc, "id"));
  }

  // B's request on A's resource answers exactly what it does on a random id.
  void expect_same_as_random(const std::string& method, const std::string& path_of_a,
                             const std::string& path_of_random, const std::string& body = "") {
    Headers headers;
    if (method == "POST" || method == "PUT") headers = {{"Content-Type", "application/json"}};
    auto theirs = b->request(method, path_of_a, body, headers);
    auto random = b->request(method, path_of_random, body, headers);
    EXPECT_EQ(theirs.status, 404u) << method << " " << path_of_a << ": " << theirs.body;
    EXPECT_EQ(theirs.status, random.status) << method << " " << path_of_a;
    // The same answer but for the request id, which is each request's own.
    EXPECT_EQ(error_without_request_id(theirs), error_without_request_id(random))
        << method << " " << path_of_a;
    auto reason = str(error_of(random), "reason");
    EXPECT_NE(reason.find("_NOT_FOUND"), std::string::npos) << random.body;
    expect_error(theirs, 404, reason);
  }

  // A's resources are exactly as they were.
  void expect_a_unchanged() {
    EXPECT_EQ(everything(*a), before);
    auto now = groupcall(*a, str(gc, "id"));
    EXPECT_EQ(str(now, "status"), "progressing");
    EXPECT_EQ(str(now, "tm_update"), str(gc_before, "tm_update"));
    EXPECT_EQ(str(now, "tm_delete"), not_yet);
    for (auto& c : strings(gc, "call_ids")) {
      auto leg = call(*a, c);
      EXPECT_EQ(str(leg, "status"), "ringing");
      EXPECT_EQ(str(leg, "tm_delete"), not_yet);
    }
    auto ag = ok(a->get("/v1.0/agents/" + str(agent, "id")));
    EXPECT_EQ(str(ag, "name"), "A's agent");
    EXPECT_EQ(str(ag, "tm_update"), not_yet);
    auto ext = ok(a->get("/v1.0/extensions/" + str(extension, "id")));
    EXPECT_EQ(str(ext, "extension"), "2001");
    EXPECT_EQ(str(ext, "tm_update"), not_yet);
  }

  Json agent, extension, gc, gc_before;
  std::set<std::string> before;
};

TEST_F(Isolation, AnotherCustomersGroupcallIsNotFound) {
  auto id = str(gc, "id");
  expect_same_as_random("GET", "/v1.0/groupcalls/" + id, "/v1.0/groupcalls/" + random_id);
  expect_same_as_random("POST", "/v1.0/groupcalls/" + id + "/hangup",
                        "/v1.0/groupcalls/" + random_id + "/hangup");
  expect_same_as_random("DELETE", "/v1.0/groupcalls/" + id, "/v1.0/groupcalls/" + random_id);
  expect_a_unchanged();
}

TEST_F(Isolation, AnotherCustomersCallIsNotFound) {
  for (auto& id : strings(gc, "call_ids")) {
    expect_same_as_random("GET", "/v1.0/calls/" + id, "/v1.0/calls/" + random_id);
    expect_same_as_random("POST", "/v1.0/calls/" + id + "/hangup",
                          "/v1.0/calls/" + random_id + "/hangup");
    expect_same_as_random("DELETE", "/v1.0/calls/" + id, "/v1.0/calls/" + random_id);
  }
  expect_a_unchanged();
}

TEST_F(Isolation, AnotherCustomersAgentIsNotFound) {
  auto id = str(agent, "id");
  auto body = agent_body("stolen", {endpoint("thief@sim")});
  expect_same_as_random("GET", "/v1.0/agents/" + id, "/v1.0/agents/" + random_id);
  expect_same_as_random("PUT", "/v1.0/agents/" + id, "/v1.0/agents/" + random_id, body);
  expect_same_as_random("DELETE", "/v1.0/agents/" + id, "/v1.0/agents/" + random_id);
  expect_a_unchanged();
  EXPECT_TRUE(ids_of(ok(b->get("/v1.0/agents"))).empty());
}

TEST_F(Isolation, AnotherCustomersExtensionIsNotFound) {
  auto id = str(extension, "id");
  auto body = extension_body("stolen", "2001", {endpoint("thief@sim")});
  expect_same_as_random("GET", "/v1.0/extensions/" + id, "/v1.0/extensions/" + random_id);
  expect_same_as_random("PUT", "/v1.0/extensions/" + id, "/v1.0/extensions/" + random_id, body);
  expect_same_as_random("DELETE", "/v1.0/extensions/" + id, "/v1.0/extensions/" + random_id);
  expect_a_unchanged();
  EXPECT_TRUE(ids_of(ok(b->get("/v1.0/extensions"))).empty());
}

TEST_F(Isolation, ListsShowOnlyOnesOwn) {
  // Before B has anything, B's lists are empty.
  for (auto* path : {"/v1.0/groupcalls", "/v1.0/calls", "/v1.0/agents", "/v1.0/extensions"}) {
    EXPECT_TRUE(ids_of(ok(b->get(path))).empty()) << path;
  }
  auto b_agent = create_agent(*b, agent_body("B's agent", {endpoint("agent-b@sim")}));
  // The same extension number is B's own, apart from A's.
  auto b_extension =
      create_extension(*b, extension_body("B's desk", "2001", {endpoint("desk-b@sim")}));
  auto b_gc = create_groupcall(*b, groupcall_body({endpoint("b1@sim;busy=0")}));

  auto b_calls = strings(b_gc, "call_ids");
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/groupcalls"))), std::vector<std::string>{str(b_gc, "id")});
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/calls"))), b_calls);
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/agents"))), std::vector<std::string>{str(b_agent, "id")});
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/extensions"))),
            std::vector<std::string>{str(b_extension, "id")});
  for (auto& item : ok(b->get("/v1.0/calls"))["result"].GetArray()) {
    EXPECT_EQ(str(item, "customer_id"), customer_b);
  }
  // And A's lists did not gain B's.
  EXPECT_EQ(everything(*a), before);
  // Paging through with a token stays within one's own.
  auto page = ok(b->get("/v1.0/groupcalls?page_size=1"));
  auto token = str(page, "next_page_token");
  ASSERT_FALSE(token.empty());
  auto next = ok(b->get("/v1.0/groupcalls?page_size=1&page_token=" + token.replace(10, 1, "%20")));
  EXPECT_TRUE(ids_of(next).empty());
}

TEST_F(Isolation, GroupcallsCannotRingAnotherCustomersDirectory) {
  // A's agent, by id, and A's extension, by number and by id, are unknown to B,
  // exactly as random ones.
  auto by_agent =
      b->post("/v1.0/groupcalls", groupcall_body({agent_destination(str(agent, "id"))}));
  expect_error(by_agent, 400, "INVALID_ARGUMENT", "destinations[0].target");
  EXPECT_NE(by_agent.body.find("unknown agent"), std::string::npos) << by_agent.body;
  auto random_agent = b->post("/v1.0/groupcalls", groupcall_body({agent_destination(random_id)}));
  auto normalise = [](std::string body, const std::string& id) {
    auto at = body.find(id);
    if (at != std::string::npos) body.replace(at, id.size(), "<id>");
    return body;
  };
  EXPECT_EQ(normalise(error_without_request_id(by_agent), str(agent, "id")),
            normalise(error_without_request_id(random_agent), random_id));

  expect_error(b->post("/v1.0/groupcalls", groupcall_body({extension_number("2001")})), 400,
               "INVALID_ARGUMENT", "unknown extension 2001");
  expect_error(
      b->post("/v1.0/groupcalls", groupcall_body({address("extension", str(extension, "id"))})),
      400, "INVALID_ARGUMENT", "unknown extension");

  // B's own 2001 rings B's contacts, never A's.
  create_extension(*b, extension_body("B's desk", "2001", {endpoint("desk-b@sim")}));
  auto b_gc = create_groupcall(*b, groupcall_body({extension_number("2001")}));
  auto nested = groupcall(*b, strings(b_gc, "groupcall_ids")[0]);
  EXPECT_EQ(str(nested, "customer_id"), customer_b);
  EXPECT_EQ(str(nested["destinations"][0], "target"), "desk-b@sim");
  // ...and A cannot see B's.
  expect_error(a->get("/v1.0/groupcalls/" + str(nested, "id")), 404, "GROUPCALL_NOT_FOUND");
  expect_error(a->get("/v1.0/groupcalls/" + str(b_gc, "id")), 404, "GROUPCALL_NOT_FOUND");
  EXPECT_EQ(everything(*a), before);
}

TEST_F(Isolation, ACustomerIdInTheBodyIsIgnored) {
  // B cannot create a groupcall (or directory entry) as A by saying so.
  auto body =
      groupcall_body({endpoint("b@sim;busy=0")}, "", R"("customer_id":")" + customer_a + R"(")");
  auto created = create_groupcall(*b, body);
  EXPECT_EQ(str(created, "customer_id"), customer_b);
  auto agent_b = ok(b->post(
      "/v1.0/agents", R"({"customer_id":")" + customer_a + R"(","name":"x","addresses":[]})"));
  EXPECT_EQ(str(agent_b, "customer_id"), customer_b);
  EXPECT_EQ(everything(*a), before);
}

}  // namespace
}  // namespace chorus::test
