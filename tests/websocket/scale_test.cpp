// Many connections: 1,000 at once all receive the event they subscribed to, and
// connections torn down in the middle of a stream of events are all released
// (every slot comes back) with the server still serving.

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <thread>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

// Raises the open-files limit (inherited by chorusd) to at least `wanted`.
bool ensure_open_files(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

TEST(WsScale, AThousandConcurrentConnectionsEachReceiveTheGroupcallCreated) {
  constexpr int connections = 1000;
  // Each client holds a socket; chorusd one per connection too, plus its own.
  ASSERT_TRUE(ensure_open_files(4096))
      << "cannot raise the open-files limit to 4096 (ulimit -Hn is too low)";
  Chorusd chorusd;
  auto port = chorusd.port();
  auto io = WsClient::shared_context();
  std::vector<std::unique_ptr<WsClient>> clients;
  clients.reserve(connections);
  auto started = Clock::now();
  for (int i = 0; i < connections; ++i) {
    WsOptions options;
    options.io = io;
    auto client = std::make_unique<WsClient>(port, with_token(key_a, options));
    ASSERT_EQ(client->connect(), 101u) << "connection " << i;
    clients.push_back(std::move(client));
  }
  // Subscribe all (sent one after the other), then collect the acks.
  for (auto& c : clients)
    ASSERT_TRUE(c->send(topics_message("subscribe", {topic(customer_a, "groupcall")})));
  for (int i = 0; i < connections; ++i) {
    auto ack = next_frame(*clients[i]);
    ASSERT_EQ(ack.type, "subscribed") << "connection " << i << ": " << ack.raw;
  }
  auto set_up = Clock::now() - started;

  auto gc = create_groupcall(port, key_a, {"x@sim;ring=10"}, 30);
  ASSERT_FALSE(gc.id.empty());
  int received = 0;
  auto deadline = Clock::now() + 30s;
  for (int i = 0; i < connections; ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto text = clients[i]->read(std::max(left, std::chrono::milliseconds(1)));
    ASSERT_TRUE(text) << "connection " << i << " received nothing (" << received
                      << " did before it)";
    auto frame = parse_frame(*text);
    EXPECT_EQ(frame.type, "groupcall_created") << "connection " << i << ": " << frame.raw;
    EXPECT_EQ(frame.id, gc.id);
    ASSERT_TRUE(frame.seq);
    EXPECT_EQ(*frame.seq, 1u);
    ++received;
  }
  EXPECT_EQ(received, connections);
  RecordProperty(
      "set_up_ms",
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(set_up).count()));
  // REST still answers promptly with them all open.
  EXPECT_EQ(http_request(port, "GET", "/health", "", {}, 5s).status, 200u);
}

TEST(WsScale, ConnectionsDroppedInTheMiddleOfAStreamAreAllReleased) {
  constexpr int slots = 100;
  ASSERT_TRUE(ensure_open_files(1024));
  Chorusd chorusd({"--ws-max-connections", std::to_string(slots)});
  auto port = chorusd.port();
  Flood flood(port, key_a, 20ms);
  constexpr int rounds = 4;
  // Each round fills every slot, streams, and tears all down; one more round
  // checks that the last one's slots came back too.
  for (int round = 0; round <= rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto io = WsClient::shared_context();
    std::vector<std::unique_ptr<WsClient>> clients;
    // Every slot is free again: all `slots` connect (the first try may race the
    // previous round's last sessions ending).
    auto deadline = Clock::now() + 3s;
    while (static_cast<int>(clients.size()) < slots) {
      WsOptions options;
      options.io = io;
      auto client = std::make_unique<WsClient>(port, with_token(key_a, options));
      auto status = client->connect();
      if (status == 101) {
        clients.push_back(std::move(client));
        continue;
      }
      ASSERT_EQ(status, 503u);
      ASSERT_LT(Clock::now(), deadline)
          << clients.size() << " of " << slots << " slots free after the previous round";
      std::this_thread::sleep_for(20ms);
    }
    if (round == rounds) break;
    for (auto& c : clients) ASSERT_TRUE(c->send(topics_message("subscribe", {topic(customer_a)})));
    // Events flow to all of them for a moment (the shared io_context reads them all)...
    clients[0]->idle(300ms);
    // ...then half just drop their TCP connection and half close politely.
    for (int i = 1; i < slots; i += 2) clients[i]->abort();
    for (int i = 0; i < slots; i += 2) clients[i]->begin_close();
    for (int i = 0; i < slots; i += 2) {
      EXPECT_TRUE(clients[i]->wait_closed(3s)) << "connection " << i;
    }
  }
  flood.stop();
  // The server still serves REST and new subscriptions.
  EXPECT_EQ(http_request(port, "GET", "/health", "", {}, 5s).status, 200u);
  auto client = connect_within(port, key_a, 3s);
  ASSERT_TRUE(client);
  subscribe(*client, {topic(customer_a, "groupcall")});
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  auto frames = collect(*client, ended(1, 0), 5s);
  EXPECT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  EXPECT_GT(flood.created(), 20);
}

}  // namespace
}  // namespace chorus::wstest
