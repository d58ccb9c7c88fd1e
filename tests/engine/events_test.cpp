// Events: each resource's events arrive in the order of its state changes, a
// groupcall's creation comes before its legs' events and its hangup after them,
// and a subscription sees exactly what its topics name, once.

#include <gtest/gtest.h>

#include <map>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

using T = EventType;

class Events : public ScriptedEngineTest {
 protected:
  Subscription subscribe(const std::vector<std::string>& topics, const EventLog& into) {
    auto sub = engine.subscribe(topics, into.callback());
    if (!sub) throw std::runtime_error(sub.error().message);
    return std::move(sub).value();
  }
  std::string topic(const std::string& suffix = "") const {
    return "customer_id:" + customer.to_string() + suffix;
  }
};

TEST_F(Events, EachResourceFollowsItsStateMachineInOrder) {
  auto first = create(request({endpoint("a"), endpoint("b"), endpoint("c"), endpoint("d")}));
  auto second = create(request({endpoint("e"), endpoint("f")}, RingMethod::linear));
  report("a", LegReport::ringing);
  report("b", LegReport::ringing);
  report("c", LegReport::busy);
  report("e", LegReport::rejected);
  report("f", LegReport::ringing);
  report("b", LegReport::answered);
  report("f", LegReport::answered);
  report("b", LegReport::remote_hangup);
  std::optional<Result<Call>> reply;
  engine.hangup_call(customer, leg("f"), [&](Result<Call> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());

  EXPECT_EQ(log.types_of(leg("a")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_canceling,
                            T::call_hangup}));
  EXPECT_EQ(log.types_of(leg("b")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_progressing,
                            T::call_hangup}));
  EXPECT_EQ(log.types_of(leg("c")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_hangup}));
  EXPECT_EQ(log.types_of(leg("d")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_canceling, T::call_hangup}));
  EXPECT_EQ(log.types_of(leg("f")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_progressing,
                            T::call_terminating, T::call_hangup}));
  for (auto& id : {first.id, second.id}) {
    EXPECT_EQ(log.types_of(id), (std::vector<T>{T::groupcall_created, T::groupcall_progressing,
                                                T::groupcall_hangup}));
  }

  // Every resource, generically, and the order between a groupcall and its legs.
  auto events = log.events();
  std::map<Uuid, std::vector<EventRecord>> by_resource;
  std::map<Uuid, std::size_t> created_at, hangup_at;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];
    EXPECT_EQ(e.customer_id, customer);
    by_resource[e.id].push_back(e);
    if (e.type == T::groupcall_created) created_at[e.id] = i;
    if (e.type == T::groupcall_hangup) hangup_at[e.id] = i;
  }
  EXPECT_EQ(by_resource.size(), 8u);  // 2 groupcalls, 6 legs
  for (auto& [id, history] : by_resource) {
    if (history.front().kind == ResourceKind::call) {
      EXPECT_TRUE(valid_call_history(history)) << id.to_string();
    } else {
      EXPECT_TRUE(valid_groupcall_history(history)) << id.to_string();
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];
    if (e.kind != ResourceKind::call) continue;
    auto owner = e.call->groupcall_id;
    ASSERT_EQ(created_at.count(owner), 1u);
    ASSERT_EQ(hangup_at.count(owner), 1u);
    EXPECT_LT(created_at[owner], i) << to_string(e.type);
    EXPECT_GT(hangup_at[owner], i) << to_string(e.type);
  }
  // An event's snapshot is what the registry holds when the resource is final.
  for (auto& [id, history] : by_resource) {
    if (history.front().kind == ResourceKind::call) {
      EXPECT_EQ(*history.back().call, call(id));
    } else {
      EXPECT_EQ(history.back().groupcall->status, groupcall(id).status);
    }
  }
  EXPECT_EQ(actors_left(), 0u);
}

// DELETE of a call publishes call_deleted with the deleted snapshot, after its
// call_hangup: at once for an ended leg, once hung up for a live one, and never
// twice. Deleting its groupcall stamps no call, so publishes no call_deleted.
TEST_F(Events, DeletingACallPublishesCallDeletedAfterItsHangup) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("a", LegReport::busy);
  std::optional<Result<Call>> reply;
  auto keep = [&](Result<Call> r) { reply.emplace(std::move(r)); };
  engine.delete_call(customer, leg("a"), keep);
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_TRUE((*reply)->tm_delete.is_set());
  EXPECT_EQ(log.types_of(leg("a")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_hangup, T::call_deleted}));
  auto deleted = log.events_of(leg("a")).back();
  ASSERT_TRUE(deleted.call);
  EXPECT_EQ(*deleted.call, **reply);
  EXPECT_EQ(deleted.call->status, CallStatus::hangup);
  EXPECT_TRUE(deleted.call->tm_delete.is_set());
  EXPECT_EQ(deleted.call->tm_delete, call(leg("a")).tm_delete);
  EXPECT_TRUE(valid_call_history(log.events_of(leg("a"))));

  report("b", LegReport::ringing);
  reply.reset();
  engine.delete_call(customer, leg("b"), keep);
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_EQ(log.types_of(leg("b")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_canceling,
                            T::call_hangup, T::call_deleted}));
  EXPECT_EQ(*log.events_of(leg("b")).back().call, **reply);
  EXPECT_TRUE(valid_call_history(log.events_of(leg("b"))));

  auto before = log.size();
  engine.delete_call(customer, leg("a"), keep);  // deleting twice changes nothing
  run();
  EXPECT_EQ(log.size(), before);

  engine.delete_groupcall(customer, created.id, [](Result<Groupcall>) {});
  run();
  EXPECT_EQ(log.types_of(created.id).back(), T::groupcall_deleted);
  EXPECT_EQ(log.count(T::call_deleted), 2u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Events, TopicsFilterAtEachLevelAndOtherCustomersStayApart) {
  EventLog calls, one_groupcall, one_call, everything, both, other_customer;
  auto other = Uuid::generate();
  auto sub_calls = subscribe({topic(":call")}, calls);
  auto sub_both = subscribe({topic(":call"), topic()}, both);
  auto sub_other =
      engine.subscribe({"customer_id:" + other.to_string()}, other_customer.callback());
  ASSERT_TRUE(sub_other.ok());
  auto sub_all = engine.subscribe_all(everything.callback());

  auto mine = engine.create_groupcall(request({endpoint("a"), endpoint("b")}));
  ASSERT_TRUE(mine.ok());
  // Subscribed before the groupcall's actor has run, so nothing is missed.
  auto sub_gc = subscribe({topic(":groupcall:" + mine->id.to_string())}, one_groupcall);
  auto sub_call = subscribe({topic(":call:" + mine->call_ids[0].to_string())}, one_call);
  auto theirs_request = request({endpoint("x")});
  theirs_request.customer_id = other;
  auto theirs = engine.create_groupcall(theirs_request);
  ASSERT_TRUE(theirs.ok());
  auto another = engine.create_groupcall(request({endpoint("c")}));
  ASSERT_TRUE(another.ok());
  run();
  report("a", LegReport::answered);
  report("x", LegReport::busy);
  report("c", LegReport::failed);
  report("a", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(mine->id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(another->id).status, GroupcallStatus::hangup);
  EXPECT_EQ(engine.groupcall(other, theirs->id)->status, GroupcallStatus::hangup);
  // Not readable as ours either.
  EXPECT_FALSE(engine.groupcall(customer, theirs->id).ok());

  ASSERT_GT(log.size(), 0u);
  for (auto& e : log.events()) EXPECT_EQ(e.customer_id, customer);
  EXPECT_EQ(log.types_of(theirs->id).size(), 0u);

  std::size_t call_events = 0;
  for (auto& e : log.events()) call_events += e.kind == ResourceKind::call;
  EXPECT_EQ(calls.size(), call_events);
  for (auto& e : calls.events()) {
    EXPECT_EQ(e.kind, ResourceKind::call);
    EXPECT_EQ(e.customer_id, customer);
  }

  EXPECT_EQ(one_groupcall.types_of(mine->id),
            (std::vector<T>{T::groupcall_created, T::groupcall_progressing, T::groupcall_hangup}));
  EXPECT_EQ(one_groupcall.size(), 3u);
  EXPECT_EQ(one_call.types_of(mine->call_ids[0]), log.types_of(mine->call_ids[0]));
  EXPECT_EQ(one_call.size(), log.types_of(mine->call_ids[0]).size());

  // Two overlapping topics: still each event once.
  EXPECT_EQ(types_of(both.events()), types_of(log.events()));

  ASSERT_GT(other_customer.size(), 0u);
  for (auto& e : other_customer.events()) EXPECT_EQ(e.customer_id, other);
  EXPECT_EQ(other_customer.types_of(theirs->id),
            (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
  EXPECT_EQ(everything.size(), log.size() + other_customer.size());

  // A cancelled subscription hears nothing more.
  sub_calls.cancel();
  auto before = calls.size();
  auto last = create(request({endpoint("z")}));
  report("z", LegReport::busy);
  EXPECT_EQ(groupcall(last.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(calls.size(), before);
  EXPECT_EQ(log.types_of(last.id), (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
}

TEST_F(Events, MalformedTopicsAreRefused) {
  EventLog unused;
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"bogus"},
      {"customer_id"},
      {"customer_id:not-a-uuid"},
      {topic(":nosuch")},
      {topic(":call:not-a-uuid")},
      {topic(":")},
      {topic(":call:" + Uuid::generate().to_string() + ":extra")},
      {topic(), "customer:" + customer.to_string()},
  };
  for (auto& topics : bad) {
    auto sub = engine.subscribe(topics, unused.callback());
    EXPECT_FALSE(sub.ok()) << (topics.empty() ? "<none>" : topics.back());
    if (!sub.ok()) {
      EXPECT_EQ(sub.error().code, ErrorCode::invalid_argument);
      if (!topics.empty()) {
        EXPECT_EQ(sub.error().field, "topics[" + std::to_string(topics.size() - 1) + "]");
      }
    }
  }
  // Refused subscriptions leave no subscriber behind.
  run();
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Events, WellFormedTopicsAreAccepted) {
  EventLog unused;
  for (auto& t : {topic(), topic(":call"), topic(":groupcall"),
                  topic(":groupcall:" + Uuid::generate().to_string())}) {
    auto sub = engine.subscribe({t}, unused.callback());
    EXPECT_TRUE(sub.ok()) << t;
  }
}

}  // namespace
}  // namespace chorus::test
