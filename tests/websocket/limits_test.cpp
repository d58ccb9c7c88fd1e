// Limits: --ws-max-connections (503 before the upgrade, and a slot comes back
// when a connection ends however it ends), 64 KiB per inbound message (closed
// with 1009 above it), --ws-max-topics (an error frame, the connection kept).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

TEST(WsLimits, ConnectionsOverTheLimitAreRefusedWith503BeforeTheUpgrade) {
  Chorusd chorusd({"--ws-max-connections", "3"});
  auto port = chorusd.port();
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(open_client(port, key_a, {topic(customer_a)}));
  for (auto& c : clients) ASSERT_TRUE(c->is_open());

  WsClient fourth(port, with_token(key_a));
  EXPECT_EQ(fourth.connect(), 503u);
  expect_envelope(fourth.handshake_response(), 503, "TOO_MANY_CONNECTIONS");
  RawWsPeer raw(port);
  EXPECT_EQ(raw.upgrade("/v1.0/ws?token=" + key_a), 503u);
  EXPECT_TRUE(raw.wait_eof(5s)) << "a refused upgrade must not leave the connection open";
  // The key check comes first: no key is still 401 at the limit.
  WsClient keyless(port);
  EXPECT_EQ(keyless.connect(), 401u);
  // REST is not limited by it.
  EXPECT_EQ(http_request(port, "GET", "/health").status, 200u);
  // The connections within the limit work.
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  for (auto& c : clients) {
    auto frames = collect(*c, ended(1, 1), 5s);
    EXPECT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  }

  // A slot comes back after a closing handshake...
  clients[0]->close();
  EXPECT_TRUE(clients[0]->closed());
  auto replacement = connect_within(port, key_a, 2s);
  ASSERT_TRUE(replacement) << "a closed connection still holds its slot";
  WsClient over(port, with_token(key_a));
  EXPECT_EQ(over.connect(), 503u);
  // ...and after the TCP connection is simply dropped.
  clients[1]->abort();
  replacement = connect_within(port, key_a, 2s);
  ASSERT_TRUE(replacement) << "a dropped connection still holds its slot";
}

TEST(WsLimits, ConcurrentUpgradesNeverExceedTheLimit) {
  constexpr int limit = 4, racers = 16;
  // More I/O threads than cores: upgrades are checked in parallel, and preempted.
  Chorusd chorusd({"--ws-max-connections", std::to_string(limit), "--io-threads", "8"});
  auto port = chorusd.port();
  for (int round = 0; round < 30; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Every slot free; more upgrade requests than slots, sent all at once on
    // connections opened beforehand.
    std::vector<std::unique_ptr<RawWsPeer>> peers;
    for (int i = 0; i < racers; ++i) peers.push_back(std::make_unique<RawWsPeer>(port));
    for (auto& p : peers) ASSERT_TRUE(p->send_upgrade("/v1.0/ws?token=" + key_a));
    int upgraded = 0, refused = 0;
    for (auto& p : peers) {
      auto status = p->upgrade_status();
      upgraded += status == 101;
      refused += status == 503;
    }
    ASSERT_EQ(upgraded + refused, racers);
    ASSERT_LE(upgraded, limit) << "more connections than --ws-max-connections";
    EXPECT_GE(upgraded, 1);
    peers.clear();  // dropped: the slots come back
    // All slots come back before the next round.
    std::vector<std::unique_ptr<WsClient>> probes;
    auto deadline = Clock::now() + 3s;
    while (static_cast<int>(probes.size()) < limit && Clock::now() < deadline) {
      auto probe = std::make_unique<WsClient>(port, with_token(key_a));
      if (probe->connect() == 101) {
        probes.push_back(std::move(probe));
      } else {
        std::this_thread::sleep_for(20ms);
      }
    }
    ASSERT_EQ(static_cast<int>(probes.size()), limit) << "slots not freed";
    for (auto& p : probes) p->abort();
    probes.clear();
    std::this_thread::sleep_for(50ms);
  }
}

TEST(WsLimits, AnInboundMessageOver64KiBClosesTheConnectionWith1009) {
  Chorusd chorusd({"--ws-max-connections", "1"});
  auto port = chorusd.port();
  auto client = open_client(port, key_a, {});
  // Exactly 64 KiB is allowed: a subscribe padded with spaces.
  std::string message = topics_message("subscribe", {topic(customer_a)});
  message.insert(1, std::string(64 * 1024 - message.size(), ' '));
  ASSERT_EQ(message.size(), 64u * 1024);
  ASSERT_TRUE(client->send(message));
  auto ack = next_reply(*client);
  EXPECT_EQ(ack.type, "subscribed") << ack.raw.substr(0, 200);

  // One byte more closes the connection, with 1009 (message too big).
  message.insert(1, " ");
  client->send(message);  // the server may close before it has read all of it
  ASSERT_TRUE(client->wait_closed(5s)) << "still open after a message over 64 KiB";
  EXPECT_EQ(client->close_code(), 1009u) << client->read_error().message();
  // Its slot is free again.
  auto next = connect_within(port, key_a, 2s);
  ASSERT_TRUE(next) << "the closed connection still holds its slot";
}

TEST(WsLimits, TopicsOverTheLimitGetAnErrorFrameAndTheConnectionStays) {
  Chorusd chorusd({"--ws-max-topics", "3"});
  auto port = chorusd.port();
  std::string unknown = "5e1ec7ed-dead-4bee-8fed-0123456789ab";
  // Four at once: refused whole.
  auto fresh = open_client(port, key_a, {});
  auto error =
      expect_error(*fresh,
                   topics_message("subscribe", {topic(customer_a), topic(customer_a, "call"),
                                                topic(customer_a, "groupcall"),
                                                topic(customer_a, "groupcall", unknown)}),
                   "limit_exceeded");
  EXPECT_NE(error.message.find('3'), std::string::npos) << error.raw;

  auto client = open_client(port, key_a, {topic(customer_a, "groupcall")});
  subscribe(*client, {topic(customer_a, "call"), topic(customer_a, "call", unknown)});
  // A fourth is refused; the connection and its three topics stay.
  expect_error(*client, topics_message("subscribe", {topic(customer_a)}), "limit_exceeded");
  // Subscribing again to a topic it holds adds nothing, so it is not refused.
  subscribe(*client, {topic(customer_a, "call")});
  // Unsubscribing from topics it never held frees nothing.
  expect_ack(*client, "unsubscribe",
             {topic(customer_a, "groupcall", unknown), topic(customer_a, "conference"),
              topic(customer_a, "conferencecall")});
  expect_error(*client, topics_message("subscribe", {topic(customer_a)}), "limit_exceeded");
  // Unsubscribing from one it holds makes room for one.
  expect_ack(*client, "unsubscribe", {topic(customer_a, "call", unknown)});
  subscribe(*client, {topic(customer_a, "groupcall", unknown)});
  expect_error(*client, topics_message("subscribe", {topic(customer_a)}), "limit_exceeded");

  // Its subscriptions work: events arrive, once each.
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  auto frames = collect(*client, ended(1, 1), 5s);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  EXPECT_EQ(count_type(frames, "groupcall_created"), 1u);
  EXPECT_EQ(count_type(frames, "call_created"), 1u);
  expect_seq_continuous(frames);
  // The refused fresh connection subscribed nothing.
  EXPECT_TRUE(drain(*fresh, 100ms).empty());
}

}  // namespace
}  // namespace chorus::wstest
