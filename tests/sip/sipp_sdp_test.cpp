// What the INVITE carries: From (the source's display name and number),
// Alert-Info (the groupcall's alert_info), and SDP only when the embedder gave an
// offer, whose answer then reaches it in Call::sdp_answer.

#include <gtest/gtest.h>

#include "sipp_engine.hpp"

namespace chorus::test {
namespace {

constexpr char caller_offer[] =
    "v=0\r\n"
    "o=chorus-test 4242 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

TEST_F(SippDriverTest, TheInviteCarriesTheCallersFromAndTheAlertInfo) {
  auto& sipp = uas("uas_headers.xml");
  auto request = request_to({sip_destination(sipp)});
  request.alert_info = "<http://127.0.0.1/ring.wav>;info=alert-group";
  auto gc = ring(request);
  EXPECT_EQ(events_.await_call_hangup(gc.call_ids.at(0)).hangup_reason, HangupReason::busy)
      << "the scenario answers 486 once its checks pass";
  expect_sipp_ok(sipp);  // From: "Alice Example" <sip:+15550001000@...>, Alert-Info
}

TEST_F(SippDriverTest, TheCallersOfferGoesOutAndTheAnswerReachesTheEmbedder) {
  auto& sipp = uas("uas_sdp_answer.xml");
  auto request = request_to({sip_destination(sipp)});
  request.sdp_offer = caller_offer;
  auto gc = ring(request);
  auto id = gc.call_ids.at(0);
  auto answered = events_.await_call(id, CallStatus::progressing);
  ASSERT_EQ(answered.status, CallStatus::progressing);
  ASSERT_FALSE(answered.sdp_answer.empty()) << "the 200's SDP is handed to the embedder";
  auto sdp = answered.sdp_answer.view();
  EXPECT_NE(sdp.find("s=sipp-answer"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("m=audio "), std::string::npos) << sdp;
  auto read = engine_->call(customer_, id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->sdp_answer, answered.sdp_answer);

  EXPECT_EQ(events_.await_answer_taken(gc.id).answer_call_id, id);
  ASSERT_TRUE(hang_up(gc.id).ok());
  EXPECT_EQ(events_.await_call_hangup(id).hangup_reason, HangupReason::normal);
  expect_sipp_ok(sipp);  // it saw our offer, and no second offer in the ACK
}

TEST_F(SippDriverTest, WithoutAnOfferTheInviteHasNoBodyAndTheAckAnswersInactive) {
  auto& sipp = uas("uas_no_sdp.xml");
  auto gc = ring(request_to({sip_destination(sipp)}));
  auto id = gc.call_ids.at(0);
  ASSERT_EQ(events_.await_call(id, CallStatus::progressing).status, CallStatus::progressing);
  EXPECT_EQ(events_.await_answer_taken(gc.id).answer_call_id, id);
  ASSERT_TRUE(hang_up(gc.id).ok());
  EXPECT_EQ(events_.await_call_hangup(id).hangup_reason, HangupReason::normal);
  expect_sipp_ok(sipp);  // Content-Length: 0, then a=inactive in our ACK
}

}  // namespace
}  // namespace chorus::test
