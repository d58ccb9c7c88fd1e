// Every class of bad input is refused with a 4xx {"error","message"} naming the
// field, and changes nothing: no resource appears, none changes, no leg is dialled.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class BadInput : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    agent = create_agent(*a, agent_body("Alice", {endpoint("alice@sim")}));
    extension = create_extension(*a, extension_body("Desk", "2001", {endpoint("desk@sim")}));
    gc = create_groupcall(*a, groupcall_body({endpoint("x@sim")}));
    await_call(*a, strings(gc, "call_ids")[0], has_status("ringing"));
    before = everything(*a);
    dialled_before = metrics()["chorus_legs_dialled_total"];
  }

  void expect_nothing_changed() {
    EXPECT_EQ(everything(*a), before);
    EXPECT_EQ(metrics()["chorus_legs_dialled_total"], dialled_before);
    EXPECT_EQ(str(groupcall(*a, str(gc, "id")), "status"), "progressing");
    EXPECT_EQ(str(ok(a->get("/v1.0/agents/" + str(agent, "id"))), "tm_update"), not_yet);
    EXPECT_EQ(str(ok(a->get("/v1.0/extensions/" + str(extension, "id"))), "tm_update"), not_yet);
  }

  struct Case {
    std::string body;
    std::string mentions;  // the field the message must name
    unsigned status = 400;
    std::string code = "INVALID_ARGUMENT";
  };

  void expect_refused(const std::string& method, const std::string& path,
                      const std::vector<Case>& cases) {
    for (auto& c : cases) {
      SCOPED_TRACE(method + " " + path + " " + c.body);
      expect_error(a->request(method, path, c.body, {{"Content-Type", "application/json"}}),
                   c.status, c.code, c.mentions);
    }
    expect_nothing_changed();
  }

  Json agent, extension, gc;
  std::set<std::string> before;
  double dialled_before = 0;
};

const std::string ok_source = R"("source":{"type":"tel","target":"+1555"})";

TEST_F(BadInput, MalformedJsonIsRefusedNamingTheBody) {
  const std::vector<Case> cases = {
      {R"({"source":)", "malformed JSON"},
      {R"({"source":{"type":"tel","target":"+1555"},"destinations":[)", "malformed JSON"},
      {"", "malformed JSON"},
      {"not json at all", "body"},
      {R"({"a":1}})", "body"},
      {"[]", "body"},
      {"\"a string\"", "body"},
      {"42", "body"},
  };
  expect_refused("POST", "/v1.0/groupcalls", cases);
  expect_refused("POST", "/v1.0/agents", cases);
  expect_refused("POST", "/v1.0/extensions", cases);
  expect_refused("PUT", "/v1.0/agents/" + str(agent, "id"), cases);
  expect_refused("PUT", "/v1.0/extensions/" + str(extension, "id"), cases);
}

TEST_F(BadInput, WrongTypesAreRefusedNamingTheField) {
  expect_refused(
      "POST", "/v1.0/groupcalls",
      {
          {R"({"source":"+1555","destinations":[{"type":"tel","target":"1"}]})", "source"},
          {"{" + ok_source + R"(,"destinations":{"type":"tel","target":"1"}})", "destinations"},
          {"{" + ok_source + R"(,"destinations":["a@sim"]})", "destinations[0]"},
          {"{" + ok_source + R"(,"destinations":[{"type":"tel","target":5}]})",
           "destinations[0].target"},
          {"{" + ok_source + R"(,"destinations":[{"type":1,"target":"1"}]})",
           "destinations[0].type"},
          {"{" + ok_source +
               R"(,"destinations":[{"type":"tel","target":"1"}],"ring_timeout":"30"})",
           "ring_timeout"},
          {"{" + ok_source + R"(,"destinations":[{"type":"tel","target":"1"}],"ring_timeout":1.5})",
           "ring_timeout"},
          {"{" + ok_source +
               R"(,"destinations":[{"type":"tel","target":"1"}],"answer_timeout":99999999999})",
           "answer_timeout"},
          {"{" + ok_source + R"(,"destinations":[{"type":"tel","target":"1"}],"ring_method":3})",
           "ring_method"},
          {"{" + ok_source +
               R"(,"destinations":[{"type":"tel","target":"1"}],"master_call_id":"x"})",
           "master_call_id"},
          {"{" + ok_source + R"(,"destinations":[{"type":"tel","target":"1"}],"owner_id":12})",
           "owner_id"},
          {"{" + ok_source + R"(,"destinations":[{"type":"tel","target":"1"}],"owner_type":[]})",
           "owner_type"},
          {R"({"source":{"type":"tel","target":null},"destinations":[{"type":"tel","target":"1"}]})",
           "source.target"},
      });
  expect_refused("POST", "/v1.0/agents",
                 {
                     {R"({"name":5,"addresses":[]})", "name"},
                     {R"({"name":"x","addresses":"alice@sim"})", "addresses"},
                     {R"({"name":"x","addresses":[{"type":"endpoint","target":false}]})",
                      "addresses[0].target"},
                 });
  expect_refused("POST", "/v1.0/extensions",
                 {
                     {R"({"name":"x","extension":2001})", "extension"},
                     {R"({"name":"x","extension":"2009","contacts":{}})", "contacts"},
                     {R"({"name":[],"extension":"2009"})", "name"},
                 });
}

TEST_F(BadInput, UnknownEnumValuesAreRefusedNamingTheField) {
  auto dest = R"(,"destinations":[{"type":"tel","target":"1"}])";
  expect_refused(
      "POST", "/v1.0/groupcalls",
      {
          {"{" + ok_source + dest + R"(,"ring_method":"round_robin"})", "ring_method"},
          {"{" + ok_source + dest + R"(,"ring_method":"RING_ALL"})", "ring_method"},
          {"{" + ok_source + dest + R"(,"answer_method":"keep_ringing"})", "answer_method"},
          {"{" + ok_source +
               R"(,"destinations":[{"type":"tel","target":"1"},{"type":"fax","target":"2"}]})",
           "destinations[1].type"},
          {R"({"source":{"type":"pigeon","target":"1"})" + std::string(dest) + "}", "source.type"},
      });
  expect_refused(
      "POST", "/v1.0/agents",
      {
          {R"({"name":"x","addresses":[],"ring_method":"random"})", "ring_method"},
          {R"({"name":"x","addresses":[{"type":"fax","target":"1"}]})", "addresses[0].type"},
      });
  expect_refused("PUT", "/v1.0/agents/" + str(agent, "id"),
                 {{R"({"name":"x","addresses":[],"ring_method":"random"})", "ring_method"}});
  expect_refused("POST", "/v1.0/extensions",
                 {{R"({"name":"x","extension":"2009","contacts":[{"type":"fax","target":"1"}]})",
                   "contacts[0].type"}});
}

TEST_F(BadInput, MissingOrEmptyFieldsAreRefusedNamingTheField) {
  auto dest = R"("destinations":[{"type":"tel","target":"1"}])";
  expect_refused(
      "POST", "/v1.0/groupcalls",
      {
          {"{" + ok_source + "}", "destinations"},
          {"{" + ok_source + R"(,"destinations":[]})", "destinations"},
          {"{" + ok_source + R"(,"destinations":null})", "destinations"},
          {"{" + std::string(dest) + "}", "source"},
          {"{}", "source"},
          {R"({"source":{"type":"tel","target":""},)" + std::string(dest) + "}", "source.target"},
          {"{" + ok_source +
               R"(,"destinations":[{"type":"tel","target":"1"},{"type":"endpoint"}]})",
           "destinations[1].target"},
          {"{" + ok_source + R"(,"destinations":[{"type":"extension","target":""}]})",
           "destinations[0].target"},
          {"{" + ok_source + "," + dest + R"(,"ring_timeout":0})", "ring_timeout"},
          {"{" + ok_source + "," + dest + R"(,"ring_timeout":-5})", "ring_timeout"},
          {"{" + ok_source + "," + dest + R"(,"answer_timeout":-1})", "answer_timeout"},
      });
  expect_refused(
      "POST", "/v1.0/agents",
      {
          {R"({"name":"no addresses"})", "addresses"},
          {R"({"name":"x","addresses":[{"type":"endpoint","target":""}]})", "addresses[0].target"},
      });
  expect_refused("PUT", "/v1.0/agents/" + str(agent, "id"),
                 {{R"({"name":"no addresses"})", "addresses"}});
  expect_refused("POST", "/v1.0/extensions",
                 {
                     {R"({"name":"no number"})", "extension"},
                     {R"({"name":"x","extension":""})", "extension"},
                     {R"({"name":"x","extension":"2009","contacts":[{"type":"tel","target":""}]})",
                      "contacts[0].target"},
                 });
  expect_refused("PUT", "/v1.0/extensions/" + str(extension, "id"),
                 {{R"({"name":"x","extension":""})", "extension"}});
}

TEST_F(BadInput, MoreDestinationsThanTheLimitAreRefused) {
  // --max-destinations 3: three are fine, four are not.
  auto four =
      groupcall_body({endpoint("1@sim"), endpoint("2@sim"), endpoint("3@sim"), endpoint("4@sim")});
  expect_refused("POST", "/v1.0/groupcalls",
                 {{four, "destinations: at most 3", 400, "LIMIT_EXCEEDED"}});
  // An agent with four addresses is refused when rung (the limit holds per level).
  auto big = create_agent(*a, agent_body("Big", {endpoint("1@sim"), endpoint("2@sim"),
                                                 endpoint("3@sim"), endpoint("4@sim")}));
  before = everything(*a);
  expect_refused("POST", "/v1.0/groupcalls",
                 {{groupcall_body({agent_destination(str(big, "id"))}), "destinations[0]", 400,
                   "LIMIT_EXCEEDED"}});
  auto three =
      create_groupcall(*a, groupcall_body({endpoint("1@sim;busy=0"), endpoint("2@sim;busy=0"),
                                           endpoint("3@sim;busy=0")}));
  EXPECT_EQ(strings(three, "call_ids").size(), 3u);
}

TEST_F(BadInput, UnknownAgentsAndExtensionsAreRefusedNamingTheDestination) {
  expect_refused("POST", "/v1.0/groupcalls",
                 {
                     {groupcall_body({endpoint("ok@sim"), agent_destination(random_id)}),
                      "destinations[1].target: unknown agent " + random_id},
                     {groupcall_body({agent_destination("not-a-uuid")}), "destinations[0].target"},
                     {groupcall_body({extension_number("9999")}),
                      "destinations[0].target: unknown extension 9999"},
                     {groupcall_body({address("extension", random_id)}), "destinations[0].target"},
                 });
  // An agent listing an unknown agent: refused when rung, before anything rings.
  auto outer = create_agent(*a, agent_body("Outer", {agent_destination(random_id)}));
  before = everything(*a);
  expect_refused("POST", "/v1.0/groupcalls",
                 {{groupcall_body({agent_destination(str(outer, "id"))}), "unknown agent"}});
}

TEST_F(BadInput, CyclesThroughAgentsAreRefused) {
  // An agent that lists itself (through an update, since its id is only known then).
  auto loop = create_agent(*a, agent_body("Loop", {endpoint("loop@sim")}));
  auto id = str(loop, "id");
  ok(a->put("/v1.0/agents/" + id,
            agent_body("Loop", {endpoint("loop@sim"), agent_destination(id)})));
  before = everything(*a);
  expect_refused("POST", "/v1.0/groupcalls",
                 {{groupcall_body({agent_destination(id)}), "cycle through agent " + id}});
}

class NestingLimit : public BadInput {
 protected:
  std::vector<std::string> flags() override {
    auto f = BadInput::flags();
    f.insert(f.end(), {"--max-nesting-depth", "1"});
    return f;
  }
};

TEST_F(NestingLimit, NestingDeeperThanTheLimitIsRefused) {
  auto inner = create_agent(*a, agent_body("Inner", {endpoint("inner@sim")}));
  auto outer = create_agent(*a, agent_body("Outer", {agent_destination(str(inner, "id"))}));
  before = everything(*a);
  // One level is fine; two are not.
  expect_refused(
      "POST", "/v1.0/groupcalls",
      {{groupcall_body({agent_destination(str(outer, "id"))}), "nesting deeper than 1"}});
  auto one = create_groupcall(*a, groupcall_body({agent_destination(str(inner, "id"))}));
  EXPECT_EQ(strings(one, "groupcall_ids").size(), 1u);
}

TEST_F(BadInput, InvalidIdsInThePathAreRefused) {
  for (auto* id : {"not-a-uuid", "1234", "5e1ec7ed-dead-4bee-8fed-0123456789aZ",
                   "5e1ec7ed-dead-4bee-8fed-0123456789ab0"}) {
    SCOPED_TRACE(id);
    std::string i = id;
    expect_error(a->get("/v1.0/groupcalls/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->del("/v1.0/groupcalls/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->post("/v1.0/groupcalls/" + i + "/hangup"), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->get("/v1.0/calls/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->del("/v1.0/calls/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->post("/v1.0/calls/" + i + "/hangup"), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->get("/v1.0/agents/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->put("/v1.0/agents/" + i, agent_body("x", {})), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->del("/v1.0/agents/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->get("/v1.0/extensions/" + i), 400, "INVALID_ARGUMENT", "id");
    expect_error(a->put("/v1.0/extensions/" + i, extension_body("x", "7", {})), 400,
                 "INVALID_ARGUMENT", "id");
    expect_error(a->del("/v1.0/extensions/" + i), 400, "INVALID_ARGUMENT", "id");
  }
  expect_nothing_changed();
}

TEST_F(BadInput, InvalidPagingIsRefusedNamingTheParameter) {
  for (auto* path : {"/v1.0/groupcalls", "/v1.0/calls"}) {
    std::string p = path;
    for (auto* size : {"0", "101", "abc", "-1", "", "1.5", "10x", "99999999999999999999"}) {
      SCOPED_TRACE(p + " page_size=" + size);
      expect_error(a->get(p + "?page_size=" + size), 400, "INVALID_ARGUMENT", "page_size");
    }
    for (auto* token : {"garbage", "2026-13-01%2000:00:00.000000", "yesterday", "12345"}) {
      SCOPED_TRACE(p + " page_token=" + token);
      expect_error(a->get(p + "?page_token=" + token), 400, "INVALID_ARGUMENT", "page_token");
    }
    // The limits themselves are fine.
    EXPECT_EQ(a->get(p + "?page_size=1").status, 200u);
    EXPECT_EQ(a->get(p + "?page_size=100").status, 200u);
    EXPECT_EQ(a->get(p + "?page_token=").status, 200u);
  }
  expect_nothing_changed();
}

}  // namespace
}  // namespace chorus::test
