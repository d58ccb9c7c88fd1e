#include "transport/sip/sip_response.hpp"

#include <gtest/gtest.h>

namespace chorus {
namespace {

TEST(SipResponse, ProvisionalRingingOnlyFor180And183) {
  EXPECT_EQ(leg_report_for_status(180), LegReport::ringing);
  EXPECT_EQ(leg_report_for_status(183), LegReport::ringing);
  EXPECT_EQ(leg_report_for_status(100), std::nullopt);
  EXPECT_EQ(leg_report_for_status(181), std::nullopt);
  EXPECT_EQ(leg_report_for_status(182), std::nullopt);
}

TEST(SipResponse, EverySuccessIsAnAnswer) {
  EXPECT_EQ(leg_report_for_status(200), LegReport::answered);
  EXPECT_EQ(leg_report_for_status(202), LegReport::answered);
  EXPECT_EQ(leg_report_for_status(299), LegReport::answered);
}

TEST(SipResponse, FinalFailuresByCode) {
  EXPECT_EQ(leg_report_for_status(486), LegReport::busy);
  EXPECT_EQ(leg_report_for_status(600), LegReport::busy);
  EXPECT_EQ(leg_report_for_status(603), LegReport::rejected);
  EXPECT_EQ(leg_report_for_status(408), LegReport::no_answer);
  EXPECT_EQ(leg_report_for_status(480), LegReport::no_answer);
}

TEST(SipResponse, OtherFinalResponsesFail) {
  for (int status : {300, 302, 400, 403, 404, 487, 488, 500, 503, 604, 606, 699, 900}) {
    EXPECT_EQ(leg_report_for_status(status), LegReport::failed) << status;
  }
}

}  // namespace
}  // namespace chorus
