// The failover thread of a cluster node (issue 20, actors/node_failover.hpp) against a
// real engine over a FakeStore, its lease a scripted fake: what another node left
// live and this node took over is ended like restart recovery ends it (stored,
// announced); when this node loses its lease it ends its own live resources
// locally (legs hung up through the driver) without a row stored or an event
// published for them, then claims a new lease and writes again. The failover
// runs on a thread of its own on real time, so every wait is a poll with a
// deadline.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/node_failover.hpp"
#include "actors/node_lease.hpp"
#include "engine_fixture.hpp"
#include "fake_store.hpp"
#include "model/json.hpp"
#include "tests/support/eventually.hpp"
#include "threaded_options.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

// Renewed every 40 ms; a whole lease unrenewed is 200 ms.
constexpr std::chrono::milliseconds lease_duration{200};

EngineOptions threaded() {
  auto options = threaded_options();
  // Abandoning waits for legs to end; the scripted far end never confirms.
  options.stop_timeout_ms = 1000;
  return options;
}

// What these tests wait for happens on the engine's and the store writer's threads.
using test::eventually;

// A lease whose answers the test decides: renew() answers held, lost (until the
// next claim, as a lease taken over by another node does) or an error (the store
// unreachable); take_over_expired() hands out what the test gave it, once.
class ScriptedLease final : public NodeLease {
 public:
  const std::string& node_id() const override { return node_id_; }
  std::chrono::milliseconds duration() const override { return lease_duration; }
  std::int64_t epoch() const override { return epoch_.load(); }

  Result<LeftLive> claim() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++claims_;
    if (refuse_claims_) return Error::unavailable("lease: claims refused by the test");
    ++epoch_;
    lost_ = false;
    return left_at_claim_;
  }

  Result<LeaseRenewal> renew() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++renewals_;
    if (unreachable_) return Error::unavailable("store: PostgreSQL unreachable (test)");
    return lost_ ? LeaseRenewal::lost : LeaseRenewal::held;
  }

  Result<std::vector<std::string>> holders() override { return std::vector<std::string>{node_id_}; }

  Result<std::optional<TakenOver>> take_over_expired() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++takeover_asks_;
    std::optional<TakenOver> handed = std::move(expired_);
    expired_.reset();
    return handed;
  }

  // Another node's expired lease, for the next take_over_expired().
  void expire(TakenOver taken) {
    std::lock_guard<std::mutex> guard(mutex_);
    expired_ = std::move(taken);
  }
  // Another node took this lease over: renewals answer lost until a claim.
  void lose() {
    std::lock_guard<std::mutex> guard(mutex_);
    lost_ = true;
  }
  void set_unreachable(bool unreachable) {
    std::lock_guard<std::mutex> guard(mutex_);
    unreachable_ = unreachable;
  }
  void refuse_claims(bool refuse) {
    std::lock_guard<std::mutex> guard(mutex_);
    refuse_claims_ = refuse;
  }
  int claims() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return claims_;
  }
  int renewals() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return renewals_;
  }
  int takeover_asks() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return takeover_asks_;
  }

 private:
  const std::string node_id_ = "node-a";
  std::atomic<std::int64_t> epoch_{0};
  mutable std::mutex mutex_;
  bool lost_ = false;
  bool unreachable_ = false;
  bool refuse_claims_ = false;
  int claims_ = 0;
  int renewals_ = 0;
  int takeover_asks_ = 0;
  LeftLive left_at_claim_;
  std::optional<TakenOver> expired_;
};

class LeaseFailover : public ::testing::Test {
 protected:
  LeaseFailover()
      : store(std::make_shared<FakeStore>()),
        lease(std::make_shared<ScriptedLease>()),
        h(threaded(), store) {
    // What the store does on open, before the failover starts.
    EXPECT_TRUE(lease->claim().ok());
  }
  ~LeaseFailover() override {
    failover.reset();  // before the engine it runs against
    store->fail_with(std::nullopt);
    store->release();
  }

  void start_failover() { failover = std::make_unique<NodeFailover>(h.engine, lease); }

  // A groupcall of the test's customer ringing `target` (never answered); once
  // its leg has rung (committed and announced).
  Groupcall ringing(const std::string& target) {
    auto created = h.engine.create_groupcall(h.request({endpoint(target)}));
    EXPECT_TRUE(created.ok()) << created.error().message;
    if (!created.ok()) return {};
    // Dialled once the creation is committed, a moment after it answered.
    EXPECT_TRUE(eventually([&] { return h.driver->call_for(target).has_value(); }))
        << "never dialled: " << target;
    const Uuid leg = h.leg(target);
    EXPECT_TRUE(h.driver->report(leg, LegReport::ringing));
    EXPECT_TRUE(eventually([&] { return h.log.count(leg, EventType::call_ringing) == 1; }))
        << "the leg never rang";
    return *created;
  }

  std::shared_ptr<FakeStore> store;
  std::shared_ptr<ScriptedLease> lease;
  ScriptedHarness h;
  std::unique_ptr<NodeFailover> failover;
};

TEST_F(LeaseFailover, RenewsTheLeaseAboutFiveTimesALeaseAndReportsItHeld) {
  start_failover();
  ASSERT_TRUE(eventually([&] { return lease->renewals() >= 5; }, 3s));
  const NodeFailoverStats stats = failover->stats();
  EXPECT_TRUE(stats.held);
  EXPECT_EQ(stats.epoch, 1);
  EXPECT_EQ(stats.renewal_failures, 0u);
  EXPECT_EQ(stats.leases_lost, 0u);
  EXPECT_EQ(stats.takeovers, 0u);
  EXPECT_GT(lease->takeover_asks(), 0) << "while held it looks for expired leases";
  EXPECT_EQ(lease->claims(), 1) << "the store's claim stands; no other";
}

TEST_F(LeaseFailover, WhatAnotherNodeLeftLiveIsEndedStoredAndAnnounced) {
  Groupcall live;
  live.id = Uuid::generate();
  live.customer_id = h.customer;
  live.status = GroupcallStatus::progressing;
  Call leg;
  leg.id = Uuid::generate();
  leg.customer_id = h.customer;
  leg.groupcall_id = live.id;
  leg.status = CallStatus::ringing;
  live.call_ids = {leg.id};
  // Stored as node b left them; this node takes b's lease over.
  store->put(live);
  store->put(leg);
  TakenOver taken;
  taken.node_id = "node-b";
  taken.left.live_groupcalls = {live};
  taken.left.live_calls = {leg};
  lease->expire(taken);

  start_failover();
  ASSERT_TRUE(eventually([&] {
    return h.log.count(leg.id, EventType::call_hangup) == 1 &&
           h.log.count(live.id, EventType::groupcall_hangup) == 1;
  })) << "events of "
      << leg.id.to_string() << ": " << describe(h.log.types_of(leg.id)) << "; of "
      << live.id.to_string() << ": " << describe(h.log.types_of(live.id));
  const auto events = h.log.events_of(leg.id);
  ASSERT_TRUE(events.back().call);
  EXPECT_EQ(events.back().call->status, CallStatus::hangup);
  EXPECT_EQ(events.back().call->hangup_reason, HangupReason::failed);
  EXPECT_EQ(events.back().call->hangup_by, HangupBy::local);
  EXPECT_EQ(h.log.types_of(live.id), std::vector<EventType>{EventType::groupcall_hangup});

  // Stored before it was announced.
  auto stored_leg = store->stored_call(leg.id);
  ASSERT_TRUE(stored_leg.has_value());
  EXPECT_EQ(stored_leg->status, CallStatus::hangup);
  EXPECT_EQ(stored_leg->hangup_reason, HangupReason::failed);
  EXPECT_EQ(store->stored_groupcall(live.id)->status, GroupcallStatus::hangup);

  ASSERT_TRUE(eventually([&] { return failover->stats().resources_taken_over == 2; }))
      << failover->stats().resources_taken_over;
  const NodeFailoverStats stats = failover->stats();
  EXPECT_EQ(stats.takeovers, 1u);
  EXPECT_TRUE(stats.held);
  EXPECT_EQ(stats.leases_lost, 0u);
  // Nobody rang the legs of another node's resources.
  EXPECT_TRUE(h.driver->cancels().empty());
  EXPECT_TRUE(h.driver->hangups().empty());
}

TEST_F(LeaseFailover, ALostLeaseEndsLiveCallsHereWithoutStoringThemThenWritesResume) {
  const Groupcall mine = ringing("desk");
  ASSERT_FALSE(mine.id.is_zero());
  const Uuid leg = h.leg("desk");
  start_failover();
  ASSERT_TRUE(eventually([&] { return lease->renewals() >= 2; }));
  const auto stored_groupcall = store->stored_groupcall(mine.id);
  const auto stored_leg = store->stored_call(leg);
  ASSERT_TRUE(stored_groupcall && stored_leg);
  ASSERT_EQ(stored_leg->status, CallStatus::ringing);
  const auto batches_before = store->batch_sizes().size();

  // Claims fail for now, so that the node stays let go while the test looks.
  lease->refuse_claims(true);
  lease->lose();
  ASSERT_TRUE(eventually([&] { return failover->stats().leases_lost == 1; }));
  // A claim is tried once everything is let go of; this one is refused.
  ASSERT_TRUE(eventually([&] { return lease->claims() >= 2; })) << "no new claim was tried";
  ASSERT_TRUE(eventually([&] { return h.engine.stats().live_groupcalls == 0; }))
      << "the lost node's groupcall still runs";
  EXPECT_TRUE(eventually([&] { return h.engine.stats().live_calls == 0; }));
  // Its leg was let go of through the driver (ringing: cancelled, or hung up).
  const auto released = h.driver->cancel_causes(leg).size() + h.driver->hangup_causes(leg).size();
  EXPECT_GE(released, 1u) << "the driver was not told to end the leg";
  EXPECT_FALSE(failover->stats().held);

  // Writes are refused meanwhile, naming why.
  EXPECT_TRUE(h.engine.store_fault().has_value()) << "store_fault() names no cause";
  auto refused = h.engine.create_groupcall(h.request({endpoint("refused")}));
  ASSERT_FALSE(refused.ok()) << "a groupcall was created while the lease was lost";
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);

  // Claims work again: the node claims a new epoch and writes again.
  lease->refuse_claims(false);
  ASSERT_TRUE(eventually([&] { return failover->stats().held; }));
  EXPECT_EQ(failover->stats().epoch, 2);
  EXPECT_GE(lease->claims(), 3) << "the store's, a refused one, the one that took";
  ASSERT_TRUE(eventually([&] { return !h.engine.store_fault(); }))
      << "writes did not resume: " << h.engine.store_fault().value_or("");
  auto created = h.engine.create_groupcall(h.request({endpoint("after@x")}));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(store->stored_groupcall(created->id).has_value());
  ASSERT_TRUE(eventually([&] { return h.log.count(created->id, EventType::groupcall_created); }));

  // Nothing about the abandoned groupcall reached the store or a subscriber: the
  // node that took the lease over ends it there.
  EXPECT_EQ(to_json(*store->stored_groupcall(mine.id)), to_json(*stored_groupcall));
  EXPECT_EQ(to_json(*store->stored_call(leg)), to_json(*stored_leg));
  EXPECT_EQ(h.log.count(leg, EventType::call_hangup), 0u);
  EXPECT_EQ(h.log.count(mine.id, EventType::groupcall_hangup), 0u);
  for (const auto& e : h.log.events()) {
    if (e.id == mine.id || e.id == leg) {
      EXPECT_TRUE(e.type == EventType::groupcall_created || e.type == EventType::call_created ||
                  e.type == EventType::call_dialing || e.type == EventType::call_ringing)
          << "published after the lease was lost: " << to_string(e.type);
    }
  }
  // Every batch written since was the new groupcall's (and its leg's), none the
  // abandoned ones'.
  EXPECT_GE(store->batch_sizes().size(), batches_before + 1);
  const NodeFailoverStats stats = failover->stats();
  EXPECT_EQ(stats.leases_lost, 1u);
  EXPECT_EQ(stats.takeovers, 0u);
}

TEST_F(LeaseFailover, ALeaseThatCannotBeRenewedForAWholeLeaseIsLetGoAndClaimedAgain) {
  const Groupcall mine = ringing("desk");
  ASSERT_FALSE(mine.id.is_zero());
  const auto stored_groupcall = store->stored_groupcall(mine.id);
  start_failover();
  ASSERT_TRUE(eventually([&] { return lease->renewals() >= 1; }));

  lease->refuse_claims(true);
  lease->set_unreachable(true);
  ASSERT_TRUE(eventually([&] { return failover->stats().leases_lost == 1; }))
      << "renewal failures: " << failover->stats().renewal_failures;
  ASSERT_TRUE(eventually([&] { return lease->claims() >= 2; })) << "no new claim was tried";
  EXPECT_GE(failover->stats().renewal_failures, 2u)
      << "let go before a whole lease had passed unrenewed";
  EXPECT_FALSE(failover->stats().held);
  ASSERT_TRUE(eventually([&] { return h.engine.stats().live_groupcalls == 0; }));
  EXPECT_EQ(h.log.count(mine.id, EventType::groupcall_hangup), 0u);

  lease->set_unreachable(false);
  lease->refuse_claims(false);
  ASSERT_TRUE(eventually([&] { return failover->stats().held; }));
  ASSERT_TRUE(eventually([&] { return !h.engine.store_fault(); }));
  auto created = h.engine.create_groupcall(h.request({endpoint("after@x")}));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(store->stored_groupcall(created->id).has_value());
  EXPECT_EQ(to_json(*store->stored_groupcall(mine.id)), to_json(*stored_groupcall));
  EXPECT_EQ(failover->stats().leases_lost, 1u);
}

}  // namespace
}  // namespace chorus::test
