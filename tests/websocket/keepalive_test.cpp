// Pings: every --ws-ping-interval-s the server pings; a client that answers
// stays connected however long it is silent itself, and a peer that answers
// nothing is closed after about two intervals, freeing its connection slot.

#include <gtest/gtest.h>

#include <thread>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

TEST(WsKeepalive, AClientThatAnswersPingsStaysConnected) {
  Chorusd chorusd({"--ws-ping-interval-s", "1"});
  auto client = open_client(chorusd.port(), key_a, {topic(customer_a, "groupcall")});
  // Silent for 3.5 s itself; Beast answers each ping with a pong as browsers do.
  client->idle(3500ms);
  ASSERT_TRUE(client->is_open()) << "closed: " << client->read_error().message();
  EXPECT_GE(client->pings(), 2) << "pinged about once a second";
  EXPECT_LE(client->pings(), 5);
  // Still fully working.
  auto gc = create_groupcall(chorusd.port(), key_a, {"x@sim;answer=10;hangup=10"});
  auto frames = collect(*client, ended(1, 0), 5s);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  EXPECT_EQ(frames.front().id, gc.id);
  EXPECT_EQ(*frames.front().seq, 1u);
}

TEST(WsKeepalive, ADeadPeerIsClosedAfterAboutTwoIntervals) {
  // One connection at most, so the slot shows when the server lets the peer go.
  Chorusd chorusd({"--ws-ping-interval-s", "1", "--ws-max-connections", "1"});
  auto port = chorusd.port();
  RawWsPeer dead(port);
  ASSERT_EQ(dead.upgrade("/v1.0/ws?token=" + key_a), 101u);
  auto upgraded = Clock::now();
  // It holds the only slot...
  WsClient refused(port, with_token(key_a));
  EXPECT_EQ(refused.connect(), 503u);
  // ...until the server gives up on it: it never reads, never answers a ping.
  unsigned status = 0;
  auto next = connect_within(port, key_a, 6s, &status);
  auto released = Clock::now() - upgraded;
  ASSERT_TRUE(next) << "the dead peer still holds the slot after 6 s (last answer " << status
                    << ")";
  EXPECT_GE(released, 1500ms) << "closed before a ping went unanswered";
  EXPECT_LE(released, 3500ms)
      << "a dead peer was kept for "
      << std::chrono::duration_cast<std::chrono::milliseconds>(released).count()
      << " ms with a 1 s ping interval";
  // What it was sent: a ping (opcode 9), then the connection ended.
  auto frame = dead.read_frame(1s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 9);
  EXPECT_TRUE(dead.wait_eof(2s));
  EXPECT_TRUE(next->is_open());
}

TEST(WsKeepalive, APeerThatAnswersPingsByHandStaysConnected) {
  Chorusd chorusd({"--ws-ping-interval-s", "1", "--ws-max-connections", "1"});
  auto port = chorusd.port();
  RawWsPeer peer(port);
  ASSERT_EQ(peer.upgrade("/v1.0/ws?token=" + key_a), 101u);
  int pings = 0;
  auto until = Clock::now() + 3500ms;
  while (Clock::now() < until) {
    auto frame = peer.read_frame(200ms);
    if (!frame) continue;
    ASSERT_NE(frame->opcode, 8) << "closed by the server";
    if (frame->opcode == 9) {
      ++pings;
      ASSERT_TRUE(peer.send_frame(frame->payload, 10));  // pong
    }
  }
  EXPECT_GE(pings, 2);
  // Still connected: it holds the only slot, and it still works.
  WsClient refused(port, with_token(key_a));
  EXPECT_EQ(refused.connect(), 503u);
  ASSERT_TRUE(peer.send_frame(topics_message("subscribe", {topic(customer_a)})));
  for (;;) {
    auto frame = peer.read_frame(2s);
    ASSERT_TRUE(frame);
    if (frame->opcode == 9) continue;
    EXPECT_EQ(frame->opcode, 1);
    EXPECT_EQ(parse_frame(frame->payload).type, "subscribed") << frame->payload;
    break;
  }
}

}  // namespace
}  // namespace chorus::wstest
