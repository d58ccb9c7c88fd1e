// One destination, one sipp UAS: how each far-end behaviour ends the leg
// (status, hangup_reason, hangup_by), and that the far end saw exactly the SIP its
// scenario demands (sipp exits 0), the CANCEL's Reason header included.

#include <gtest/gtest.h>

#include "sipp_engine.hpp"

namespace chorus::test {
namespace {

TEST_F(SippDriverTest, AnswerAfterARingIsProgressingUntilTheApiHangsUp) {
  auto& sipp = uas("uas_answer.xml", 1, 300ms);
  auto gc = ring(request_to({sip_destination(sipp)}));
  ASSERT_EQ(gc.call_ids.size(), 1u);
  auto id = gc.call_ids[0];

  auto answered = events_.await_call(id, CallStatus::progressing);
  ASSERT_EQ(answered.status, CallStatus::progressing);
  EXPECT_EQ(events_.seen().call_statuses[id],
            (std::vector<CallStatus>{CallStatus::dialing, CallStatus::dialing, CallStatus::ringing,
                                     CallStatus::progressing}))
      << "call_created, call_dialing, then 180 -> ringing, then 200 -> progressing";
  EXPECT_GE(answered.tm_progressing.micros() - answered.tm_ringing.micros(), 250'000)
      << "the 200 came after sipp's 300 ms pause";

  EXPECT_EQ(events_.await_answer_taken(gc.id).answer_call_id, id);
  ASSERT_TRUE(hang_up(gc.id).ok());
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::normal);
  EXPECT_EQ(ended.hangup_by, HangupBy::local);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);  // it got our ACK and our BYE
  EXPECT_EQ(events_.seen().call_hangups[id], 1);
}

TEST_F(SippDriverTest, BusyHereEndsTheLegBusy) {
  auto& sipp = uas("uas_busy.xml");
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto ended = events_.await_call_hangup(gc.call_ids.at(0));
  EXPECT_EQ(ended.status, CallStatus::hangup);
  EXPECT_EQ(ended.hangup_reason, HangupReason::busy);
  EXPECT_EQ(ended.hangup_by, HangupBy::remote);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);  // it got the ACK of its 486
}

TEST_F(SippDriverTest, DeclineEndsTheLegNotAnswered) {
  auto& sipp = uas("uas_decline.xml");
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::noanswer) << "603 is a decline, not busy";
  EXPECT_EQ(ended.hangup_by, HangupBy::remote);
  EXPECT_EQ(events_.seen().call_statuses[id].at(2), CallStatus::ringing) << "its 180 first";
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);
}

TEST_F(SippDriverTest, ApiHangupCancelsARingingLegWithQ850NormalClearing) {
  auto& sipp = uas("uas_cancel_normal.xml");
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  ASSERT_EQ(events_.await_call(id, CallStatus::ringing).status, CallStatus::ringing);

  ASSERT_TRUE(hang_up(gc.id).ok());
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::cancel);
  EXPECT_EQ(ended.hangup_by, HangupBy::local);
  events_.await_groupcall_hangup(gc.id);
  // Reason: Q.850;cause=16 asserted by the scenario, then 200, 487 and its ACK.
  expect_sipp_ok(sipp);
}

TEST_F(SippDriverTest, RingTimeoutCancelsWithSip480) {
  auto& sipp = uas("uas_cancel_timeout.xml");
  auto request = request_to({sip_destination(sipp)});
  request.ring_timeout = 1;
  auto gc = ring(request);
  auto id = gc.call_ids.at(0);
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::dialout) << "Chorus's own ring timer ended it";
  EXPECT_EQ(ended.hangup_by, HangupBy::local);
  EXPECT_EQ(events_.seen().call_statuses[id].at(2), CallStatus::ringing);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);  // Reason: SIP;cause=480
}

TEST_F(SippDriverTest, FarEndByeAfterAnswerIsARemoteNormalHangup) {
  auto& sipp = uas("uas_answer_then_bye.xml", 1, 200ms);
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::normal);
  EXPECT_EQ(ended.hangup_by, HangupBy::remote);
  EXPECT_TRUE(ended.tm_progressing.is_set()) << "it was answered first";
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);  // our 200 to its BYE arrived
  EXPECT_EQ(events_.seen().call_hangups[id], 1);
}

TEST_F(SippDriverTest, A200CrossingTheCancelIsAckedThenByedAndTheLegEndsOnce) {
  auto& sipp = uas("uas_crossing_200.xml");
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  ASSERT_EQ(events_.await_call(id, CallStatus::ringing).status, CallStatus::ringing);

  ASSERT_TRUE(hang_up(gc.id).ok());
  auto ended = events_.await_call_hangup(id);
  EXPECT_EQ(ended.hangup_reason, HangupReason::cancel);
  EXPECT_EQ(ended.hangup_by, HangupBy::local);
  events_.await_groupcall_hangup(gc.id);
  // sipp answered 200 only once the CANCEL was in, and exits 0 only after our ACK
  // and our BYE for that dialog.
  expect_sipp_ok(sipp);
  auto seen = events_.seen();
  EXPECT_EQ(seen.call_hangups[id], 1);
  EXPECT_EQ(seen.calls[id].status, CallStatus::hangup);
  EXPECT_FALSE(seen.calls[id].tm_progressing.is_set()) << "the late 200 is not an answer";
  EXPECT_TRUE(seen.groupcalls[gc.id].answer_call_id.is_zero());
}

TEST_F(SippDriverTest, NoResponseAtAllFailsTheLegAtTimerB) {
  auto options = sip_options();
  options.t1 = 10ms;
  options.timer_b = 640ms;
  start_engine(options);
  // Silent for 2 s, well past Timer B: only INVITE retransmissions may reach it.
  auto& sipp = uas("uas_silent.xml", 1, 2000ms);
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  auto started = std::chrono::steady_clock::now();
  auto ended = events_.await_call_hangup(id, 10s);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ended.hangup_reason, HangupReason::failed);
  EXPECT_EQ(ended.hangup_by, HangupBy::remote);
  EXPECT_LT(took, 1900ms) << "Timer B is 640 ms here, well before sipp's pause ends";
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(sipp);
}

}  // namespace
}  // namespace chorus::test
