// The registry as the API reads it: ended groupcall trees stay readable until
// retained_groupcalls newer ones have ended; lists are newest first and page by
// creation time without repeating or skipping anything.

#include <gtest/gtest.h>

#include <set>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

EngineOptions retaining(std::size_t count) {
  auto options = deterministic_options();
  options.retained_groupcalls = count;
  return options;
}

TEST(Retention, OldestEndedGroupcallAndItsCallsAreForgotten) {
  ScriptedHarness h(retaining(2));
  std::vector<Groupcall> ended;
  for (int i = 0; i < 3; ++i) {
    auto target = "t" + std::to_string(i);
    auto created = h.create(h.request({endpoint(target + "a"), endpoint(target + "b")}));
    h.report(target + "a", LegReport::busy);
    h.report(target + "b", LegReport::failed);
    ASSERT_EQ(h.groupcall(created.id).status, GroupcallStatus::hangup);
    ended.push_back(h.groupcall(created.id));
    if (i < 2) {
      // Nothing forgotten while within the limit.
      for (auto& g : ended) EXPECT_TRUE(h.engine.groupcall(h.customer, g.id).ok());
    }
  }
  auto oldest = h.engine.groupcall(h.customer, ended[0].id);
  ASSERT_FALSE(oldest.ok());
  EXPECT_EQ(oldest.error().code, ErrorCode::not_found);
  for (auto& id : ended[0].call_ids) {
    auto c = h.engine.call(h.customer, id);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, ErrorCode::not_found);
  }
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(h.groupcall(ended[i].id).status, GroupcallStatus::hangup);
    for (auto& id : ended[i].call_ids) EXPECT_EQ(h.call(id).status, CallStatus::hangup);
  }
  auto listed = h.engine.groupcalls(h.customer, 100).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, ended[2].id);
  EXPECT_EQ(listed[1].id, ended[1].id);
  EXPECT_EQ(h.engine.calls(h.customer, 100).value().size(), 4u);
  EXPECT_EQ(h.actors_left(), 0u);
}

// History is bounded by legs too: a few wide groupcalls must not hold as much
// memory as retained_groupcalls of them would.
TEST(Retention, OldestTreesAreForgottenWhenTheirCallsPassTheLimit) {
  auto options = retaining(100);
  options.retained_calls = 5;
  ScriptedHarness h(options);
  std::vector<Groupcall> ended;
  for (int i = 0; i < 3; ++i) {
    auto prefix = "w" + std::to_string(i);
    auto created = h.create(h.request({endpoint(prefix + "a"), endpoint(prefix + "b")}));
    h.report(prefix + "a", LegReport::busy);
    h.report(prefix + "b", LegReport::busy);
    ASSERT_EQ(h.groupcall(created.id).status, GroupcallStatus::hangup);
    ended.push_back(h.groupcall(created.id));
  }
  // 3 trees of 2 calls each: 6 > 5, so the oldest tree went, well inside 100 groupcalls.
  EXPECT_FALSE(h.engine.groupcall(h.customer, ended[0].id).ok());
  for (auto& id : ended[0].call_ids) EXPECT_FALSE(h.engine.call(h.customer, id).ok());
  for (int i = 1; i < 3; ++i) EXPECT_TRUE(h.engine.groupcall(h.customer, ended[i].id).ok());
  EXPECT_EQ(h.engine.calls(h.customer, 100).value().size(), 4u);
  // Calls in nested groupcalls count too.
  Agent agent;
  agent.customer_id = h.customer;
  agent.addresses = {endpoint("n1"), endpoint("n2"), endpoint("n3")};
  auto put = h.engine.put_agent(agent);
  ASSERT_TRUE(put.ok());
  auto wide = h.create(h.request({agent_destination(put->id)}));
  for (auto* target : {"n1", "n2", "n3"}) h.report(target, LegReport::busy);
  ASSERT_EQ(h.groupcall(wide.id).status, GroupcallStatus::hangup);
  // 2 + 2 + 3 = 7 > 5: the next oldest tree goes; 2 + 3 = 5 remain.
  EXPECT_FALSE(h.engine.groupcall(h.customer, ended[1].id).ok());
  EXPECT_TRUE(h.engine.groupcall(h.customer, ended[2].id).ok());
  EXPECT_TRUE(h.engine.groupcall(h.customer, wide.id).ok());
  EXPECT_EQ(h.engine.calls(h.customer, 100).value().size(), 5u);
}

// Every leg of a groupcall shares its caller's address with the groupcall.
TEST(Retention, LegsShareTheirCallersAddressInsteadOfCopyingIt) {
  ScriptedHarness h(retaining(10));
  auto request = h.request({endpoint("s1"), endpoint("s2"), endpoint("s3")});
  request.source.name = std::string(200, 'n');
  auto created = h.create(request);
  auto groupcall = h.groupcall(created.id);
  ASSERT_EQ(groupcall.call_ids.size(), 3u);
  for (auto& id : groupcall.call_ids) {
    auto call = h.call(id);
    EXPECT_EQ(call.source, groupcall.source);
    EXPECT_EQ(call.source.name.data(), groupcall.source.name.data()) << "copied, not shared";
  }
}

TEST(Retention, AForgottenTreeTakesItsNestedGroupcallsAndTheirCalls) {
  ScriptedHarness h(retaining(1));
  auto first = h.create_with_agent();
  auto nested = h.groupcall(first.groupcall_ids.at(0));
  h.report("x1", LegReport::busy);
  h.report("x2", LegReport::busy);
  h.report("p", LegReport::busy);
  ASSERT_EQ(h.groupcall(first.id).status, GroupcallStatus::hangup);
  EXPECT_TRUE(h.engine.groupcall(h.customer, nested.id).ok());  // retained with its parent
  auto second = h.create(h.request({endpoint("q")}));
  h.report("q", LegReport::failed);
  for (auto& id : {first.id, nested.id}) {
    EXPECT_FALSE(h.engine.groupcall(h.customer, id).ok());
  }
  for (auto& id : {first.call_ids[0], nested.call_ids[0], nested.call_ids[1]}) {
    EXPECT_FALSE(h.engine.call(h.customer, id).ok());
  }
  auto listed = h.engine.groupcalls(h.customer, 100).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, second.id);
  EXPECT_EQ(h.engine.calls(h.customer, 100).value().size(), 1u);
}

TEST(Retention, LiveGroupcallsAreNeverForgotten) {
  ScriptedHarness h(retaining(1));
  auto live = h.create(h.request({endpoint("live")}));
  for (int i = 0; i < 3; ++i) {
    auto target = "end" + std::to_string(i);
    h.create(h.request({endpoint(target)}));
    h.report(target, LegReport::busy);
  }
  EXPECT_EQ(h.groupcall(live.id).status, GroupcallStatus::progressing);
  EXPECT_EQ(h.call(live.call_ids[0]).status, CallStatus::dialing);
  // One ended one retained, plus the live one.
  EXPECT_EQ(h.engine.groupcalls(h.customer, 100).value().size(), 2u);
  h.report("live", LegReport::answered);
  h.report("live", LegReport::remote_hangup);
  // It ended last, so now it is the one retained.
  auto listed = h.engine.groupcalls(h.customer, 100).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, live.id);
}

TEST(Retention, ListsAreNewestFirstAndPageByCreationTime) {
  ScriptedHarness h;
  std::vector<Uuid> created_ids;
  for (int i = 0; i < 7; ++i) {
    auto target = "d" + std::to_string(i);
    auto created = h.create(h.request({endpoint(target)}));
    created_ids.push_back(created.id);
    if (i % 2 == 0) h.report(target, LegReport::busy);  // some ended, some live
  }
  auto all = h.engine.groupcalls(h.customer, 100).value();
  ASSERT_EQ(all.size(), 7u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, created_ids[created_ids.size() - 1 - i]);
    if (i > 0) {
      EXPECT_LT(all[i].tm_create, all[i - 1].tm_create);
    }
  }
  EXPECT_EQ(h.engine.groupcalls(h.customer, 3).value().size(), 3u);
  EXPECT_TRUE(h.engine.groupcalls(h.customer, 0).value().empty());
  EXPECT_TRUE(h.engine.groupcalls(Uuid::generate(), 100).value().empty());

  for (std::size_t page_size : {1u, 2u, 3u, 7u, 10u}) {
    std::vector<Uuid> seen;
    std::optional<Timestamp> before;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = h.engine.groupcalls(h.customer, page_size, before).value();
      if (page.empty()) break;
      EXPECT_LE(page.size(), page_size);
      for (auto& g : page) {
        if (before) {
          EXPECT_LT(g.tm_create, *before);
        }
        seen.push_back(g.id);
      }
      before = page.back().tm_create;
    }
    std::vector<Uuid> expected(created_ids.rbegin(), created_ids.rend());
    EXPECT_EQ(seen, expected) << "page size " << page_size;
  }

  // Calls page the same way.
  std::vector<Uuid> calls_seen;
  std::optional<Timestamp> before;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = h.engine.calls(h.customer, 2, before).value();
    if (page.empty()) break;
    for (auto& c : page) calls_seen.push_back(c.id);
    before = page.back().tm_create;
  }
  EXPECT_EQ(calls_seen.size(), 7u);
  EXPECT_EQ(std::set<Uuid>(calls_seen.begin(), calls_seen.end()).size(), 7u);
}

}  // namespace
}  // namespace chorus::test
