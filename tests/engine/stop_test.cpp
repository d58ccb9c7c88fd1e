// Engine::stop(): every live call ends, nothing is left live, and the engine
// refuses new work afterwards.

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

TEST(Stop, EndsEveryLiveCall) {
  SimulatedHarness h;
  auto ringing = h.create(h.request({endpoint("a@sim"), endpoint("b@sim;ring=50")}));
  auto linear = h.create(h.request({endpoint("c@sim"), endpoint("d@sim")}, RingMethod::linear));
  auto answered = h.create(h.request({endpoint("e@sim;answer=10"), endpoint("f@sim")}));
  h.advance_ms(100);
  ASSERT_EQ(h.engine.stats().live_calls, 4u);  // a, b, c, e
  ASSERT_EQ(h.engine.stats().live_groupcalls, 3u);
  ASSERT_EQ(h.groupcall(answered.id).answer_call_id, answered.call_ids[0]);

  h.engine.stop();

  auto stats = h.engine.stats();
  EXPECT_EQ(stats.live_calls, 0u);
  EXPECT_EQ(stats.live_groupcalls, 0u);
  for (auto& id : {ringing.id, linear.id, answered.id}) {
    auto gc = h.groupcall(id);
    EXPECT_EQ(gc.status, GroupcallStatus::hangup);
    for (auto& call_id : gc.call_ids) {
      auto c = h.call(call_id);
      EXPECT_EQ(c.status, CallStatus::hangup) << call_id.to_string();
      EXPECT_NE(c.hangup_reason, HangupReason::unset);
    }
  }
  EXPECT_EQ(h.call(ringing.call_ids[0]).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(h.call(ringing.call_ids[1]).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(h.call(linear.call_ids[0]).hangup_reason, HangupReason::cancel);
  // The linear groupcall did not move on to d while stopping.
  EXPECT_EQ(h.groupcall(linear.id).call_ids.size(), 1u);
  EXPECT_EQ(h.call(answered.call_ids[0]).hangup_reason, HangupReason::normal);
  EXPECT_EQ(h.call(answered.call_ids[0]).hangup_by, HangupBy::local);
  EXPECT_EQ(h.driver->pending(), 0u);
  EXPECT_EQ(h.engine.stats().pending_timers, 0u);
  EXPECT_EQ(h.probe.call_actors(), 0u);

  auto refused = h.engine.create_groupcall(h.request({endpoint("late@sim")}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  h.engine.stop();  // idempotent
  EXPECT_EQ(h.engine.stats().live_calls, 0u);
}

TEST(Stop, EndsNestedGroupcallsToo) {
  ScriptedHarness h;
  auto created = h.create_with_agent();
  h.report("x1", LegReport::ringing);
  ASSERT_EQ(h.engine.stats().live_calls, 3u);
  h.engine.stop();
  EXPECT_EQ(h.engine.stats().live_calls, 0u);
  EXPECT_EQ(h.engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(h.groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(h.groupcall(created.groupcall_ids.at(0)).status, GroupcallStatus::hangup);
  for (auto& t : {"x1", "x2", "p"}) {
    EXPECT_EQ(h.call(h.leg(t)).hangup_reason, HangupReason::cancel) << t;
    EXPECT_EQ(h.driver->cancel_causes(h.leg(t)).size(), 1u) << t;
  }
  EXPECT_EQ(h.driver->stops(), 1);
  EXPECT_EQ(h.probe.call_actors(), 0u);
}

TEST(Stop, RightAfterCreateCancelsRatherThanFails) {
  ScriptedHarness h;
  // Created, but its actor has not run yet when the engine stops.
  auto created = h.engine.create_groupcall(h.request({endpoint("a"), endpoint("b")}));
  ASSERT_TRUE(created.ok());
  h.engine.stop();
  EXPECT_EQ(h.engine.stats().live_calls, 0u);
  EXPECT_EQ(h.engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(h.groupcall(created->id).status, GroupcallStatus::hangup);
  for (auto& id : created->call_ids) {
    EXPECT_EQ(h.call(id).hangup_reason, HangupReason::cancel);
    EXPECT_EQ(h.driver->cancel_causes(id), std::vector<LegCause>{LegCause::normal});
  }
}

TEST(Stop, ClosedIntakeRefusesNewGroupcallsAndLetsLiveOnesEnd) {
  SimulatedHarness h;
  auto live = h.create(h.request({endpoint("a@sim;answer=10;hangup=50")}));
  h.engine.close_intake();
  auto refused = h.engine.create_groupcall(h.request({endpoint("b@sim")}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  h.advance_ms(100);
  // The live groupcall ran its course: answered, then the callee hung up.
  EXPECT_EQ(h.groupcall(live.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(h.call(live.call_ids[0]).hangup_reason, HangupReason::normal);
  EXPECT_EQ(h.engine.stats().legs_dialled, 1u);
}

}  // namespace
}  // namespace chorus::test
