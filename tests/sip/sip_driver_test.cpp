// The driver's own life: binding, its port, refusing what it cannot route, and
// stopping. Calls against sipp live in sipp_*_test.cpp (sipp_driver_smoke_test.cpp
// for the driver's own counters and leg count).
#include "transport/sip/sip_leg_driver.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "actors/engine.hpp"

namespace chorus {
namespace {

SipOptions loopback(std::string listen = "127.0.0.1:0") {
  SipOptions options;
  options.listen = std::move(listen);
  options.t1 = std::chrono::milliseconds(100);
  options.timer_b = std::chrono::milliseconds(2000);
  return options;
}

TEST(SipDriver, BindsAnEphemeralPortAndSaysWhich) {
  SipLegDriver driver(loopback());
  EXPECT_NE(driver.port(), 0);
  EXPECT_EQ(driver.listen_address(), "127.0.0.1:" + std::to_string(driver.port()));
  EXPECT_EQ(driver.live_legs(), 0U);
}

TEST(SipDriver, APortInUseIsRefusedNamingTheAddress) {
  SipLegDriver first(loopback());
  auto taken = "127.0.0.1:" + std::to_string(first.port());
  try {
    SipLegDriver second(loopback(taken));
    FAIL() << "a second driver bound " << taken;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
  }
}

TEST(SipDriver, AMalformedListenAddressIsRefused) {
  for (std::string bad : {"127.0.0.1", "nohost:", "127.0.0.1:99999"}) {
    EXPECT_THROW(SipLegDriver driver(loopback(bad)), std::runtime_error) << bad;
  }
}

TEST(SipDriver, StopIsIdempotentAndOrdersAfterItAreHarmless) {
  SipLegDriver driver(loopback());
  driver.stop();
  driver.stop();
  driver.cancel(Uuid::generate(), LegCause::normal);
  driver.hangup(Uuid::generate(), LegCause::normal);
}

TEST(SipDriver, CanDialSipUrisAndRefusesTelWithoutAProxy) {
  SipLegDriver driver(loopback());
  Address sip{AddressType::sip, "bob@127.0.0.1:5999", "", "", ""};
  EXPECT_TRUE(driver.can_dial(sip, "destinations[0]"));
  Address tel{AddressType::tel, "+15551234567", "", "", ""};
  auto refused = driver.can_dial(tel, "destinations[1]");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "destinations[1].target");
  auto proxied = loopback();
  proxied.outbound_proxy = "sip:127.0.0.1:5999";
  SipLegDriver with_proxy(proxied);
  EXPECT_TRUE(with_proxy.can_dial(tel, "destinations[1]"));
}

}  // namespace
}  // namespace chorus
