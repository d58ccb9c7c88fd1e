#include "transport/sip/sip_reason.hpp"

#include <gtest/gtest.h>

namespace chorus {
namespace {

TEST(SipReason, EachCauseHasItsRfc3326Value) {
  EXPECT_EQ(reason_header(LegCause::answered_elsewhere),
            R"(SIP;cause=200;text="Call completed elsewhere")");
  EXPECT_EQ(reason_header(LegCause::ring_timeout), R"(SIP;cause=480;text="Ring timeout")");
  EXPECT_EQ(reason_header(LegCause::answer_timeout), R"(SIP;cause=480;text="Answer timeout")");
  EXPECT_EQ(reason_header(LegCause::normal), R"(Q.850;cause=16;text="Normal call clearing")");
  EXPECT_EQ(reason_header(LegCause::failed), R"(Q.850;cause=41;text="Temporary failure")");
}

TEST(SipReason, AnUnknownCauseClearsNormally) {
  EXPECT_EQ(reason_header(static_cast<LegCause>(200)), reason_header(LegCause::normal));
}

}  // namespace
}  // namespace chorus
