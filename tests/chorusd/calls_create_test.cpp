// POST /v1.0/calls, VoIPbin's way to place single calls: each plain destination
// becomes a call of its own (in a groupcall of one), an agent or extension a
// groupcall owned by it; a bad destination refuses the whole request, naming it,
// and nothing is placed.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class CallsCreate : public ApiTest {
 protected:
  // A POST /v1.0/calls body; `extra` is spliced in as more members.
  static std::string calls_body(const std::vector<std::string>& destinations,
                                const std::string& extra = "") {
    return groupcall_body(destinations, "", extra);
  }

  Json place(const std::string& body) {
    auto r = a->post("/v1.0/calls", body);
    EXPECT_EQ(r.status, 200u) << body << " -> " << r.body;
    auto placed = parse_json(r.body);
    EXPECT_TRUE(placed.HasMember("calls") && placed["calls"].IsArray()) << r.body;
    EXPECT_TRUE(placed.HasMember("groupcalls") && placed["groupcalls"].IsArray()) << r.body;
    return placed;
  }
};

TEST_F(CallsCreate, TwoPlainDestinationsAreTwoCallsEachInItsOwnGroupcall) {
  auto placed = place(calls_body({endpoint("one@sim"), endpoint("two@sim;answer=0")},
                                 R"("ring_timeout":45,"master_call_id":")" + random_id + R"(")"));
  ASSERT_EQ(placed["calls"].Size(), 2u);
  EXPECT_EQ(placed["groupcalls"].Size(), 0u);
  auto& first = placed["calls"][0];
  auto& second = placed["calls"][1];
  EXPECT_EQ(str(first["destination"], "target"), "one@sim");
  EXPECT_EQ(str(second["destination"], "target"), "two@sim;answer=0");
  EXPECT_NE(str(first, "id"), str(second, "id"));
  EXPECT_NE(str(first, "groupcall_id"), zero_id);
  EXPECT_NE(str(first, "groupcall_id"), str(second, "groupcall_id"));
  for (auto* c : {&first, &second}) {
    EXPECT_EQ(str(*c, "customer_id"), customer_a);
    EXPECT_EQ(str(*c, "direction"), "outgoing");
    EXPECT_EQ(str((*c)["source"], "target"), "+15550001000");
    EXPECT_EQ(str(*c, "master_call_id"), random_id);
    EXPECT_EQ(str(*c, "conference_id"), zero_id);
    // Its groupcall rings it alone, with the request's timers.
    auto gc = groupcall(*a, str(*c, "groupcall_id"));
    EXPECT_EQ(strings(gc, "call_ids"), std::vector<std::string>{str(*c, "id")});
    EXPECT_EQ(integer(gc, "ring_timeout"), 45);
    EXPECT_EQ(str(gc, "owner_type"), "");
  }
  // Each goes its own way: the second answers, the first rings on.
  await_call(*a, str(second, "id"), has_status("progressing"));
  EXPECT_EQ(str(await_call(*a, str(first, "id"), has_status("ringing")), "status"), "ringing");
  auto listed = ids_of(ok(a->get("/v1.0/calls")));
  EXPECT_EQ(listed.size(), 2u);
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))).size(), 2u);
}

TEST_F(CallsCreate, AnAgentDestinationIsAGroupcallOwnedByTheAgent) {
  auto agent = create_agent(
      *a, agent_body("Alice", {endpoint("alice@sim"), endpoint("alice-desk@sim")}, "ring_all"));
  auto agent_id = str(agent, "id");
  auto placed = place(calls_body({agent_destination(agent_id), endpoint("plain@sim")}));
  ASSERT_EQ(placed["groupcalls"].Size(), 1u);
  ASSERT_EQ(placed["calls"].Size(), 1u);
  auto& gc = placed["groupcalls"][0];
  EXPECT_EQ(str(gc, "owner_type"), "agent");
  EXPECT_EQ(str(gc, "owner_id"), agent_id);
  EXPECT_EQ(str(gc, "ring_method"), "ring_all");
  ASSERT_EQ(gc["destinations"].Size(), 2u);
  EXPECT_EQ(str(gc["destinations"][0], "target"), "alice@sim");
  EXPECT_EQ(str(gc["destinations"][1], "target"), "alice-desk@sim");
  auto legs = strings(gc, "call_ids");
  ASSERT_EQ(legs.size(), 2u);
  for (auto& leg : legs) EXPECT_EQ(str(call(*a, leg), "groupcall_id"), str(gc, "id"));
  EXPECT_EQ(str(placed["calls"][0]["destination"], "target"), "plain@sim");
  EXPECT_NE(str(placed["calls"][0], "groupcall_id"), str(gc, "id"));
  EXPECT_EQ(str(groupcall(*a, str(gc, "id")), "owner_id"), agent_id);
}

TEST_F(CallsCreate, ABadDestinationRefusesTheWholeRequestAndPlacesNothing) {
  auto earlier = create_groupcall(*a, groupcall_body({endpoint("earlier@sim;busy=0")}));
  // Ended first: its leg dials after the creation is answered, and would count
  // in the dialled total between the two readings below.
  await_groupcall(*a, str(earlier, "id"), has_status("hangup"));
  auto before = everything(*a);
  auto dialled = metrics()["chorus_legs_dialled_total"];
  // An agent nobody has, an empty target, another customer's agent: each names its place.
  auto of_b = str(create_agent(*b, agent_body("Bob", {endpoint("bob@sim")})), "id");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {calls_body({endpoint("fine@sim"), agent_destination(random_id)}), "destinations[1]"},
      {calls_body({endpoint("fine@sim"), agent_destination(of_b)}), "destinations[1]"},
      {calls_body({endpoint("fine@sim"), extension_number("9999")}), "destinations[1]"},
      {calls_body({endpoint("fine@sim"), endpoint("")}), "destinations[1].target"},
  };
  for (auto& [body, field] : cases) {
    SCOPED_TRACE(body);
    expect_field_error(a->post("/v1.0/calls", body), 400, "INVALID_ARGUMENT", field);
  }
  expect_field_error(a->post("/v1.0/calls", calls_body({})), 400, "INVALID_ARGUMENT",
                     "destinations");
  expect_error(a->post("/v1.0/calls", calls_body({endpoint("1@sim"), endpoint("2@sim"),
                                                  endpoint("3@sim"), endpoint("4@sim")})),
               400, "LIMIT_EXCEEDED", "destinations");
  EXPECT_EQ(everything(*a), before) << "a refused request placed something";
  EXPECT_EQ(metrics()["chorus_legs_dialled_total"], dialled);
}

}  // namespace
}  // namespace chorus::test
