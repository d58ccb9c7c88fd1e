// A consumer closed for being too slow is counted in
// chorus_ws_closed_total{cause="too_slow"} however it ends: with a 1008 close
// frame when it reads again (see framing_test.cpp), or dropped when it never
// does and no close frame can be written to it.

#include <gtest/gtest.h>

#include "heavy_traffic.hpp"
#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

// Found by reading /metrics after a consumer that stopped reading for good was
// dropped: the count was taken only where the 1008 close frame is framed, which a
// connection whose write never finishes never reaches.
TEST(WsTooSlow, AConsumerThatNeverReadsAgainIsDroppedAndCountedAsTooSlow) {
  Chorusd chorusd(
      {"--ws-queue-events", "20", "--ws-full-timeout-ms", "1000", "--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  RawWsPeer slow(port, 4096);
  ASSERT_EQ(slow.upgrade("/v1.0/ws?token=" + key_a), 101u);
  ASSERT_TRUE(slow.send_frame(topics_message("subscribe", {topic(customer_a)})));
  auto ack = slow.read_frame(3s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(parse_frame(ack->payload).type, "subscribed");
  auto before = scrape_metrics(port);
  ASSERT_EQ(before["chorus_ws_connections"], 1);

  // Several MB/s of events, never read: full within a second or two, and full for
  // longer than the timeout soon after.
  HeavyFlood flood(port, key_a);
  auto after = metrics_when(
      port, [](auto& m) { return m["chorus_ws_connections"] == 0; }, 15s);
  flood.stop();
  ASSERT_EQ(after["chorus_ws_connections"], 0) << "the consumer too slow was never let go";
  EXPECT_GT(after["chorus_ws_events_dropped_total"], 0);
  EXPECT_EQ(after[ws_closed("too_slow")] - before[ws_closed("too_slow")], 1);
  for (auto* cause : {"dead_peer", "protocol_error", "message_too_big", "flooding"}) {
    EXPECT_EQ(after[ws_closed(cause)], before[ws_closed(cause)]) << cause;
  }
  EXPECT_TRUE(slow.wait_eof(5s)) << "the connection was counted closed but is not";
}

}  // namespace
}  // namespace chorus::wstest
