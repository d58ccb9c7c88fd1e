// Supervision: a leg or groupcall actor that dies (an exception escaping a
// handler, or a kill) is reaped by its supervisor: its resource ends as failed,
// the driver is told to release the leg, and the groupcall goes on or ends.

#include <gtest/gtest.h>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

using T = EventType;

class Supervision : public ScriptedEngineTest {
 protected:
  void kill_call(const Uuid& id) {
    auto actor = probe.context().registry.calls.actor(id);
    ASSERT_TRUE(static_cast<bool>(actor)) << "no actor for call " << id.to_string();
    caf::anon_send_exit(actor, caf::exit_reason::kill);
    run();
  }
  void kill_groupcall(const Uuid& id) {
    auto actor = probe.context().registry.groupcalls.actor(id);
    ASSERT_TRUE(static_cast<bool>(actor)) << "no actor for groupcall " << id.to_string();
    caf::anon_send_exit(actor, caf::exit_reason::kill);
    run();
  }
  void expect_failed(const Uuid& id, const char* what) {
    auto c = call(id);
    EXPECT_EQ(c.status, CallStatus::hangup) << what;
    EXPECT_EQ(c.hangup_reason, HangupReason::failed) << what;
    EXPECT_EQ(c.hangup_by, HangupBy::local) << what;
    EXPECT_EQ(log.count(id, T::call_hangup), 1u) << what;
    EXPECT_TRUE(valid_call_history(log.events_of(id))) << what;
  }
};

TEST_F(Supervision, ThrowingLegInLinearIsReapedAndTheLineMovesOn) {
  auto created =
      create(request({endpoint("a-throw"), endpoint("b"), endpoint("c")}, RingMethod::linear));
  auto a = created.call_ids.at(0);
  EXPECT_EQ(driver->call_for("a-throw"), a);
  expect_failed(a, "a-throw");
  EXPECT_EQ(log.types_of(a), (std::vector<T>{T::call_created, T::call_hangup}));
  EXPECT_EQ(driver->cancel_causes(a), std::vector<LegCause>{LegCause::failed});
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_EQ(gc.dial_index, 1);
  EXPECT_EQ(gc.call_ids, (std::vector<Uuid>{a, leg("b")}));
  EXPECT_EQ(engine.stats().live_calls, 1u);
  report("b", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("b"));
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->dial_count(), 2u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, ThrowingLegInRingAllLeavesTheOthersRinging) {
  auto created = create(request({endpoint("a-throw"), endpoint("b"), endpoint("c")}));
  auto a = leg("a-throw");
  expect_failed(a, "a-throw");
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_EQ(gc.call_count, 2);
  report("b", LegReport::ringing);
  report("b", LegReport::answered);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("b"));
  EXPECT_EQ(call(leg("c")).hangup_reason, HangupReason::cancel);
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, EveryLegThrowingEndsTheGroupcall) {
  auto created = create(request({endpoint("throw-1"), endpoint("throw-2")}));
  expect_failed(leg("throw-1"), "throw-1");
  expect_failed(leg("throw-2"), "throw-2");
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(engine.stats().live_calls, 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledRingingLegIsReapedAndLinearMovesOn) {
  auto created = create(request({endpoint("a"), endpoint("b")}, RingMethod::linear));
  report("a", LegReport::ringing);
  kill_call(leg("a"));
  expect_failed(leg("a"), "a");
  EXPECT_EQ(driver->cancel_causes(leg("a")), std::vector<LegCause>{LegCause::failed});
  EXPECT_EQ(groupcall(created.id).dial_index, 1);
  report("b", LegReport::busy);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledAnsweredLegIsHungUpAndEndsTheGroupcall) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("a", LegReport::answered);
  kill_call(leg("a"));
  expect_failed(leg("a"), "a");
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::failed});
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("a"));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledGroupcallIsReapedAndItsLegsEnd) {
  auto created = create(request({endpoint("a"), endpoint("b"), endpoint("c")}));
  report("a", LegReport::ringing);
  report("c", LegReport::busy);
  kill_groupcall(created.id);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(log.count(created.id, T::groupcall_hangup), 1u);
  for (auto& t : {"a", "b"}) {
    expect_failed(leg(t), t);
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::failed}) << t;
  }
  EXPECT_EQ(call(leg("c")).hangup_reason, HangupReason::busy);
  EXPECT_TRUE(driver->cancel_causes(leg("c")).empty());
  EXPECT_EQ(engine.stats().live_calls, 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledAnsweredGroupcallHangsUpItsWinner) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("b", LegReport::answered);
  kill_groupcall(created.id);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  expect_failed(leg("b"), "b");
  EXPECT_EQ(driver->hangup_causes(leg("b")), std::vector<LegCause>{LegCause::failed});
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledNestedGroupcallIsReapedAndTheParentGoesOn) {
  auto created = create_with_agent();
  auto nested_id = created.groupcall_ids.at(0);
  kill_groupcall(nested_id);
  EXPECT_EQ(groupcall(nested_id).status, GroupcallStatus::hangup);
  expect_failed(leg("x1"), "x1");
  expect_failed(leg("x2"), "x2");
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.status, GroupcallStatus::progressing);
  EXPECT_EQ(parent.groupcall_count, 0);
  EXPECT_EQ(parent.call_count, 1);
  report("p", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("p"));
  report("p", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Supervision, KilledParentEndsItsNestedGroupcallAndLegs) {
  auto created = create_with_agent();
  report("x1", LegReport::ringing);
  kill_groupcall(created.id);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.groupcall_ids.at(0)).status, GroupcallStatus::hangup);
  for (auto& t : {"x1", "x2", "p"}) {
    expect_failed(leg(t), t);
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::failed}) << t;
  }
  EXPECT_EQ(engine.stats().live_calls, 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

}  // namespace
}  // namespace chorus::test
