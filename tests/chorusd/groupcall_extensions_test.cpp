// POST /v1.0/groupcalls with Chorus's extensions of VoIPbin's groupcall for ring
// groups: ring_method memory_hunt, repeats, fail_on_single_reject and a
// destination's delay and timeout are accepted and echoed (how they ring is the
// engine suite's); bad values are 400 naming the field and create nothing.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class GroupcallExtensions : public ApiTest {};

std::string timed(const std::string& target, int delay, int timeout) {
  return R"({"type":"endpoint","target":)" + quoted(target) +
         ",\"delay\":" + std::to_string(delay) + ",\"timeout\":" + std::to_string(timeout) + "}";
}

TEST_F(GroupcallExtensions, AreAcceptedAndEchoed) {
  auto body = groupcall_body({timed("a@sim", 0, 20), endpoint("b@sim"), timed("c@sim", 5, 0)},
                             "memory_hunt", R"("repeats":2,"fail_on_single_reject":true)");
  auto gc = create_groupcall(*a, body);
  auto id = str(gc, "id");
  auto read = groupcall(*a, id);
  for (const Json* g : {&gc, &read}) {
    SCOPED_TRACE(g == &gc ? "as created" : "as read");
    EXPECT_EQ(str(*g, "ring_method"), "memory_hunt");
    EXPECT_EQ(integer(*g, "repeats"), 2);
    ASSERT_TRUE(g->HasMember("fail_on_single_reject") && (*g)["fail_on_single_reject"].IsBool());
    EXPECT_TRUE((*g)["fail_on_single_reject"].GetBool());
    ASSERT_TRUE(g->HasMember("failover") && (*g)["failover"].IsObject());
    EXPECT_EQ(str((*g)["failover"], "dest"), "");
    EXPECT_EQ(str((*g)["failover"], "value"), "");
    const auto& d = (*g)["destinations"];
    ASSERT_TRUE(d.IsArray());
    ASSERT_EQ(d.Size(), 3u);
    // Only what was set is written: a plain destination stays VoIPbin's exactly.
    EXPECT_FALSE(d[0].HasMember("delay"));
    EXPECT_EQ(integer(d[0], "timeout"), 20);
    EXPECT_FALSE(d[1].HasMember("delay"));
    EXPECT_FALSE(d[1].HasMember("timeout"));
    EXPECT_EQ(integer(d[2], "delay"), 5);
    EXPECT_FALSE(d[2].HasMember("timeout"));
  }
  // Listed with them too.
  auto list = ok(a->get("/v1.0/groupcalls"));
  ASSERT_EQ(list["result"].Size(), 1u);
  EXPECT_EQ(integer(list["result"][0], "repeats"), 2);
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + id + "/hangup").status, 200u);
}

TEST_F(GroupcallExtensions, DefaultsAreWrittenOnEveryGroupcall) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim;busy=0")}));
  EXPECT_EQ(integer(gc, "repeats"), 0);
  ASSERT_TRUE(gc.HasMember("fail_on_single_reject") && gc["fail_on_single_reject"].IsBool());
  EXPECT_FALSE(gc["fail_on_single_reject"].GetBool());
  ASSERT_TRUE(gc.HasMember("failover") && gc["failover"].IsObject());
  EXPECT_EQ(str(gc["failover"], "dest"), "");
  EXPECT_FALSE(gc["destinations"][0].HasMember("delay"));
  EXPECT_FALSE(gc["destinations"][0].HasMember("timeout"));
}

TEST_F(GroupcallExtensions, BadValuesAre400NamingTheFieldAndCreateNothing) {
  struct Case {
    std::string body, field;
  };
  auto plain = endpoint("a@sim");
  const std::vector<Case> cases = {
      {groupcall_body({plain}, "", R"("repeats":11)"), "repeats"},
      {groupcall_body({plain}, "", R"("repeats":-1)"), "repeats"},
      {groupcall_body({plain}, "", R"("repeats":"2")"), "repeats"},
      {groupcall_body({plain}, "", R"("repeats":1.5)"), "repeats"},
      {groupcall_body({plain}, "", R"("fail_on_single_reject":"yes")"), "fail_on_single_reject"},
      {groupcall_body({plain}, "", R"("fail_on_single_reject":1)"), "fail_on_single_reject"},
      {groupcall_body({plain}, "memory", ""), "ring_method"},
      {groupcall_body({plain, timed("b@sim", -1, 0)}), "destinations[1].delay"},
      {groupcall_body({plain, timed("b@sim", 3601, 0)}), "destinations[1].delay"},
      {groupcall_body({timed("b@sim", 0, 3601)}), "destinations[0].timeout"},
      {groupcall_body({timed("b@sim", 0, -5)}), "destinations[0].timeout"},
      {groupcall_body({R"({"type":"endpoint","target":"b@sim","timeout":"20"})"}),
       "destinations[0].timeout"},
      {groupcall_body({plain, R"({"type":"ring_group","target":"sales"})"}),
       "destinations[1].target"},
      {groupcall_body({R"({"type":"ring_group","target":""})"}), "destinations[0].target"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.body);
    expect_field_error(a->post("/v1.0/groupcalls", c.body), 400, "INVALID_ARGUMENT", c.field);
  }
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/groupcalls"))).empty());
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/calls"))).empty());
  // The bounds themselves are accepted.
  auto edge =
      create_groupcall(*a, groupcall_body({timed("a@sim", 3600, 3600)}, "", R"("repeats":10)"));
  EXPECT_EQ(integer(edge, "repeats"), 10);
  EXPECT_EQ(integer(edge["destinations"][0], "delay"), 3600);
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(edge, "id") + "/hangup").status, 200u);
}

}  // namespace
}  // namespace chorus::test
