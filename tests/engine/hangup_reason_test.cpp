// Hangup reasons as VoIPbin defines them: a destination that declines (603) was
// not answered (noanswer), one that is busy (486/600) stays busy, and a leg that
// Chorus's own timer (ring_timeout, answer_timeout) stops before an answer was
// taken ends dialout. timeout, an answered call cut by a timer, no timer produces.

#include <gtest/gtest.h>

#include "actors/call_leg.hpp"
#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

class HangupReasons : public SimulatedEngineTest {};

TEST_F(HangupReasons, ADeclineEndsNoanswerAndBusyStaysBusy) {
  auto created = create(
      request({endpoint("declines@sim;ring=5;reject=10"), endpoint("in-use@sim;ring=5;busy=20")}));
  advance_ms(40);
  auto declined = call(created.call_ids[0]);
  EXPECT_EQ(declined.status, CallStatus::hangup);
  EXPECT_EQ(declined.hangup_reason, HangupReason::noanswer);
  EXPECT_EQ(declined.hangup_by, HangupBy::remote);
  auto busy = call(created.call_ids[1]);
  EXPECT_EQ(busy.status, CallStatus::hangup);
  EXPECT_EQ(busy.hangup_reason, HangupReason::busy);
  EXPECT_EQ(busy.hangup_by, HangupBy::remote);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(HangupReasons, ALegItsRingTimeoutStopsEndsDialout) {
  auto r = request({endpoint("rings-forever@sim;ring=5")});
  r.ring_timeout = 1;
  auto created = create(r);
  advance_ms(990);
  ASSERT_EQ(call(created.call_ids[0]).status, CallStatus::ringing);
  advance_ms(20);
  auto leg = call(created.call_ids[0]);
  EXPECT_EQ(leg.status, CallStatus::hangup);
  EXPECT_EQ(leg.hangup_reason, HangupReason::dialout);
  EXPECT_EQ(leg.hangup_by, HangupBy::local);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(HangupReasons, ALegTheAnswerTimeoutStopsBeforeAnAnswerEndsDialout) {
  auto r = request({endpoint("rings-forever@sim;ring=5"), endpoint("dials-forever@sim;ring=5000")});
  r.ring_timeout = 30;
  r.answer_timeout = 1;
  auto created = create(r);
  advance_ms(990);
  ASSERT_EQ(call(created.call_ids[0]).status, CallStatus::ringing);
  ASSERT_EQ(call(created.call_ids[1]).status, CallStatus::dialing);
  advance_ms(20);
  for (auto& id : created.call_ids) {
    auto leg = call(id);
    EXPECT_EQ(leg.status, CallStatus::hangup) << id.to_string();
    EXPECT_EQ(leg.hangup_reason, HangupReason::dialout) << id.to_string();
    EXPECT_EQ(leg.hangup_by, HangupBy::local) << id.to_string();
  }
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

// The table itself, cell by cell where it changed: Chorus's timers end an answer
// that was not taken (none, pending, late) dialout; a won answer they cannot reach
// (both are disarmed when an answer is taken) would be an answered call cut by a
// timer: timeout.
TEST(HangupReasonFor, ChorussTimersEndDialoutUnlessTheAnswerWon) {
  for (auto cause : {LegCause::ring_timeout, LegCause::answer_timeout}) {
    for (auto answer : {BranchAnswer::none, BranchAnswer::pending, BranchAnswer::late}) {
      EXPECT_EQ(hangup_reason_for(cause, answer), HangupReason::dialout)
          << to_string(cause) << ", answer " << static_cast<int>(answer);
    }
    EXPECT_EQ(hangup_reason_for(cause, BranchAnswer::won), HangupReason::timeout)
        << to_string(cause);
  }
  // The rest is as before: only a won answer ends normal, the others cancel.
  EXPECT_EQ(hangup_reason_for(LegCause::normal, BranchAnswer::won), HangupReason::normal);
  EXPECT_EQ(hangup_reason_for(LegCause::normal, BranchAnswer::none), HangupReason::cancel);
  EXPECT_EQ(hangup_reason_for(LegCause::answered_elsewhere, BranchAnswer::pending),
            HangupReason::cancel);
  EXPECT_EQ(hangup_reason_for(LegCause::failed, BranchAnswer::none), HangupReason::failed);
}

}  // namespace
}  // namespace chorus::test
