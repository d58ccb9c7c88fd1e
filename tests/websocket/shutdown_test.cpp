// Shutdown: at SIGTERM chorusd hangs up the live calls, sends every subscriber
// their final events (each live groupcall's groupcall_hangup and its legs'
// call_hangup), tells one that was behind how many it lost, closes each
// connection with 1001 (going away) and then exits 0; a peer that never reads
// delays that exit by a bounded time only.

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "heavy_traffic.hpp"
#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

std::string target_a() {
  return "/v1.0/ws?token=" + key_a;
}

// The default --ws-shutdown-flush-ms, and the wait for the peer's close after it.
constexpr auto shutdown_flush = 2000ms;
constexpr auto close_wait = 1000ms;

// A raw peer with a small receive buffer, subscribed to all of A's events: left
// unread, it soon falls behind.
std::unique_ptr<RawWsPeer> raw_subscriber(std::uint16_t port) {
  auto peer = std::make_unique<RawWsPeer>(port, 4096);
  EXPECT_EQ(peer->upgrade(target_a()), 101u);
  EXPECT_TRUE(peer->send_frame(topics_message("subscribe", {topic(customer_a)})));
  auto ack = peer->read_frame(3s);
  EXPECT_TRUE(ack);
  if (ack) {
    EXPECT_EQ(parse_frame(ack->payload).type, "subscribed") << ack->payload;
  }
  return peer;
}

// SIGTERM now, on another thread (the test reads meanwhile); whether chorusd
// then exited 0 within 15 s.
std::future<bool> terminate(Chorusd& chorusd) {
  return std::async(std::launch::async, [&chorusd] { return chorusd.stop(15s).clean(); });
}

TEST(WsShutdown, ASubscriberGetsTheHangupsOfLiveGroupcallsThenA1001Close) {
  Chorusd chorusd({"--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  auto client = open_client(port, key_a, {topic(customer_a)});
  // Groupcalls whose legs ring until cancelled: live when the signal comes.
  constexpr std::size_t groupcalls = 4, legs = 2;
  std::set<std::string> live;
  for (std::size_t i = 0; i < groupcalls; ++i) {
    auto n = std::to_string(i);
    live.insert(
        create_groupcall(port, key_a, {"x" + n + "@sim;ring=5", "y" + n + "@sim;ring=5"}).id);
  }
  auto before = collect(
      *client,
      [](const std::vector<Frame>& f) {
        return count_type(f, "call_ringing") == groupcalls * legs;
      },
      5s);
  ASSERT_EQ(count_type(before, "call_ringing"), groupcalls * legs) << "not every leg rang";

  auto started = Clock::now();
  auto exited = terminate(chorusd);
  auto after = collect(
      *client, [](const std::vector<Frame>&) { return false; }, 10s);
  ASSERT_TRUE(client->closed()) << "still open 10 s after SIGTERM";
  EXPECT_EQ(client->close_code(), 1001u)
      << "no close frame with 1001 (going away): " << client->read_error().message();
  EXPECT_TRUE(exited.get()) << "chorusd did not exit 0 after closing its subscribers";
  // The peer answered the close at once: nothing waited for a bound.
  EXPECT_LT(Clock::now() - started, shutdown_flush);

  // The final events, all of them, none dropped, seq going on.
  std::set<std::string> hung_up;
  for (auto& f : after) {
    if (f.type == "groupcall_hangup") hung_up.insert(f.id);
  }
  EXPECT_EQ(hung_up, live) << "every live groupcall's groupcall_hangup reaches the subscriber";
  EXPECT_EQ(count_type(after, "call_hangup"), groupcalls * legs);
  EXPECT_EQ(count_type(after, "events_dropped"), 0u);
  before.insert(before.end(), after.begin(), after.end());
  expect_seq_continuous(before);
  expect_resource_order(before, true);
}

// A subscriber left unread until the shutdown was under way (the other one had
// been closed): its queue full, the hangups pushed out older events. What it
// then reads accounts for every event: delivered, or counted in an
// events_dropped note, before the 1001 close.
TEST(WsShutdown, ASubscriberThatWasBehindIsToldWhatItLostBeforeThe1001Close) {
  Chorusd chorusd(
      {"--ws-queue-events", "200", "--ws-full-timeout-ms", "60000", "--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  auto reader = open_client(port, key_a, {topic(customer_a)});
  auto behind = raw_subscriber(port);
  BackgroundReader reading(*reader);
  overflow_a_queue(port);
  // Live at the signal: their hangups are the last events, queued behind the rest.
  for (int i = 0; i < 5; ++i) create_groupcall(port, key_a, {"x@sim;ring=5", "y@sim;ring=5"});

  auto exited = terminate(chorusd);
  // The reader's close says the gateway is shutting down; only then does the
  // other one read again.
  reading.wait(15s);
  auto received = reading.stop();
  ASSERT_TRUE(reader->closed()) << "the reader was not closed";
  EXPECT_EQ(reader->close_code(), 1001u) << reader->read_error().message();
  std::vector<Frame> frames;
  std::optional<RawWsPeer::Frame> close;
  while (!close) {
    auto frame = behind->read_frame(5s);
    ASSERT_TRUE(frame) << "the stream ended without a close frame, after " << frames.size()
                       << " frames";
    if (frame->opcode == 8) {
      close = frame;
    } else {
      ASSERT_EQ(frame->opcode, 1);
      frames.push_back(parse_frame(frame->payload));
    }
  }
  EXPECT_EQ(close->close_code(), 1001u) << close->close_reason();
  EXPECT_FALSE(behind->read_frame(300ms)) << "nothing follows the close frame";
  ASSERT_TRUE(behind->send_close(1001));
  EXPECT_TRUE(behind->wait_eof(3s));
  EXPECT_TRUE(exited.get());

  // The reader kept up: it saw every event, the final hangups included.
  EXPECT_EQ(count_type(received, "events_dropped"), 0u);
  EXPECT_EQ(count_type(received, "groupcall_hangup"), count_type(received, "groupcall_created"));
  auto events = static_cast<std::uint64_t>(
      std::count_if(received.begin(), received.end(), [](const Frame& f) { return f.is_event(); }));
  // The one behind: every one of those events either delivered or counted.
  expect_seq_continuous(frames);
  std::uint64_t delivered = 0, dropped = 0;
  for (auto& f : frames) {
    if (f.is_dropped()) {
      dropped += f.count;
    } else if (f.is_event()) {
      ++delivered;
    }
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(delivered + dropped, events) << delivered << " delivered, " << dropped << " dropped";
}

// Nothing may hang: a peer that never reads again (its connection's write
// stuck) holds the exit back by the flush bound and the close wait at most.
TEST(WsShutdown, APeerThatNeverReadsDelaysTheExitByABoundedTimeOnly) {
  Chorusd chorusd(
      {"--ws-queue-events", "50", "--ws-full-timeout-ms", "60000", "--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  auto stalled = raw_subscriber(port);
  overflow_a_queue(port);
  create_groupcall(port, key_a, {"x@sim;ring=5"});
  auto started = Clock::now();
  EXPECT_TRUE(chorusd.stop(15s).clean());
  auto took = Clock::now() - started;
  EXPECT_LT(took, shutdown_flush + close_wait + 2s)
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

}  // namespace
}  // namespace chorus::wstest
