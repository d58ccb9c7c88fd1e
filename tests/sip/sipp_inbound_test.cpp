// Requests the driver does not serve still get a final answer, never silence:
// sipp calls the driver's listening port as a UAC and exits 0 only when its
// scenario's answer came (200 to OPTIONS; a final refusal, ACKed, to INVITE).

#include <gtest/gtest.h>

#include "sipp_engine.hpp"

namespace chorus::test {
namespace {

TEST_F(SippDriverTest, AnInboundOptionsIsAnswered200) {
  auto& sipp = uac("uac_options.xml", driver_->listen_address());
  expect_sipp_ok(sipp, 20s);
}

TEST_F(SippDriverTest, AnInboundInviteGetsAFinalRefusal) {
  auto& sipp = uac("uac_invite.xml", driver_->listen_address());
  expect_sipp_ok(sipp, 20s);
  EXPECT_EQ(engine_->stats().legs_dialled, 0u) << "an inbound INVITE places nothing";
}

}  // namespace
}  // namespace chorus::test
