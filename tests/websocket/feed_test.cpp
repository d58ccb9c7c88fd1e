// The gateway's feeds (transport/ws_feed.hpp): the engine hands each event to the
// gateway once per I/O thread, however many connections watch its customer, and
// each connection still gets exactly the events its own topics match.

#include <gtest/gtest.h>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

// Opens `count` connections (on one shared client context) that watch all of
// customer A.
void watch_customer_a(std::uint16_t port, std::size_t count,
                      std::vector<std::unique_ptr<WsClient>>& clients) {
  auto io = WsClient::shared_context();
  for (std::size_t i = 0; i < count; ++i) {
    WsOptions options;
    options.io = io;
    clients.push_back(std::make_unique<WsClient>(port, with_token(key_a, options)));
    ASSERT_EQ(clients.back()->connect(), 101u) << "connection " << i;
    subscribe(*clients.back(), {topic(customer_a)});
  }
}

TEST(WsFeed, EachEventReachesTheGatewayOncePerIoThreadHoweverManyConnectionsWatch) {
  constexpr std::size_t connections = 40;
  Chorusd chorusd({"--io-threads", "2"});
  auto port = chorusd.port();
  std::vector<std::unique_ptr<WsClient>> clients;
  ASSERT_NO_FATAL_FAILURE(watch_customer_a(port, connections, clients));
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  std::size_t events = 0;
  for (std::size_t i = 0; i < connections; ++i) {
    auto frames = collect(*clients[i], ended(1, 1), 5s);
    ASSERT_TRUE(ended(1, 1)(frames)) << "connection " << i << " got " << frames.size();
    expect_seq_continuous(frames);
    if (i == 0) events = frames.size();
    EXPECT_EQ(frames.size(), events) << "connection " << i;
  }
  auto metrics = scrape_metrics(port);
  auto published = metrics["chorus_events_published_total"];
  auto received = metrics["chorus_ws_events_received_total"];
  ASSERT_GE(published, static_cast<double>(events));
  // Every event reached the gateway, at most once for each of the two I/O threads:
  // never once per connection.
  EXPECT_GE(received, static_cast<double>(events));
  EXPECT_LE(received, 2 * published);
  EXPECT_GE(metrics["chorus_ws_frames_sent_total"], static_cast<double>(connections * events));
}

TEST(WsFeed, AConnectionGetsOnlyItsOwnTopicsBesideOneThatWatchesTheWholeCustomer) {
  // One I/O thread: every connection shares its customer's one feed.
  Chorusd chorusd({"--io-threads", "1"});
  auto port = chorusd.port();
  auto whole = connect_within(port, key_a, 3s);
  auto groupcalls = connect_within(port, key_a, 3s);
  auto other_customer = connect_within(port, key_b, 3s);
  ASSERT_TRUE(whole && groupcalls && other_customer);
  subscribe(*whole, {topic(customer_a)});
  subscribe(*groupcalls, {topic(customer_a, "groupcall")});
  subscribe(*other_customer, {topic(customer_b)});

  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  auto all = collect(*whole, ended(1, 1), 5s);
  ASSERT_TRUE(ended(1, 1)(all));
  auto some = collect(*groupcalls, ended(1, 0), 5s);
  ASSERT_EQ(count_type(some, "groupcall_hangup"), 1u);
  for (auto& f : some) EXPECT_EQ(f.type.rfind("groupcall_", 0), 0u) << f.type;
  expect_seq_continuous(some);
  EXPECT_EQ(some.size(), all.size() - count_type(all, "call_created") -
                             count_type(all, "call_dialing") - count_type(all, "call_ringing") -
                             count_type(all, "call_progressing") -
                             count_type(all, "call_terminating") - count_type(all, "call_hangup"));
  EXPECT_TRUE(drain(*other_customer).empty());

  // Dropping the last topic stops the flow; taking one again restarts it.
  expect_ack(*whole, "unsubscribe", {topic(customer_a)});
  expect_ack(*groupcalls, "unsubscribe", {topic(customer_a, "groupcall")});
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  EXPECT_TRUE(drain(*whole).empty());
  subscribe(*groupcalls, {topic(customer_a, "groupcall")});
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  auto again = collect(*groupcalls, ended(1, 0), 5s);
  EXPECT_EQ(count_type(again, "groupcall_hangup"), 1u);
  EXPECT_EQ(again.front().type, "groupcall_created");
}

TEST(WsFeed, EventsLostBeforeTheirRoundAreCountedToEveryConnectionThatWatches) {
  // A feed holds at most --ws-queue-events between two rounds: with a round only
  // every 100 ms, a groupcall of ten legs overflows it.
  Chorusd chorusd(
      {"--io-threads", "1", "--ws-queue-events", "4", "--ws-batch-window-us", "100000"});
  auto port = chorusd.port();
  auto client = connect_within(port, key_a, 3s);
  ASSERT_TRUE(client);
  subscribe(*client, {topic(customer_a)});
  std::vector<std::string> legs;
  for (int i = 0; i < 10; ++i) legs.push_back("leg" + std::to_string(i) + "@sim;ring=5;busy=10");
  create_groupcall(port, key_a, legs);
  auto published = metrics_when(
      port, [](Metrics& m) { return m["chorus_events_published_total"] >= 40; }, 5s);
  auto frames = drain(*client, 500ms);
  std::uint64_t events = 0, dropped = 0;
  for (auto& f : frames) f.is_dropped() ? dropped += f.count : events += f.is_event();
  expect_seq_continuous(frames);
  EXPECT_GT(dropped, 0u);
  // Nothing vanished unannounced: every event of the customer was sent or counted.
  EXPECT_EQ(events + dropped,
            static_cast<std::uint64_t>(scrape_metrics(port)["chorus_events_published_total"]));
  EXPECT_GE(published["chorus_events_published_total"], 40);
}

TEST(WsFeed, EventsThatComeInWhileARoundWritesReachEveryConnectionOnceAndInOrder) {
  // One I/O thread and no batch window: a round over 200 connections takes about a
  // millisecond, and groupcalls created back to back keep events coming in while
  // it writes. Those join it for the connections it has not reached yet.
  constexpr std::size_t connections = 200;
  Chorusd chorusd({"--io-threads", "1", "--ws-batch-window-us", "0"});
  auto port = chorusd.port();
  std::vector<std::unique_ptr<WsClient>> clients;
  ASSERT_NO_FATAL_FAILURE(watch_customer_a(port, connections, clients));
  std::size_t groupcalls = 0;
  Metrics metrics;
  // Batches of ten (about 150 KB of events for each connection, which the kernel's
  // buffers and the connection's queue hold unread) until some event joined a round.
  for (int batch = 0; batch < 5 && metrics["chorus_ws_events_joined_round_total"] == 0; ++batch) {
    for (int i = 0; i < 10; ++i, ++groupcalls) {
      ASSERT_FALSE(create_groupcall(port, key_a, short_legs()).id.empty());
    }
    metrics = metrics_when(
        port, [&](Metrics& m) { return m["chorus_ws_events_joined_round_total"] > 0; }, 500ms);
  }
  ASSERT_GT(metrics["chorus_ws_events_joined_round_total"], 0) << "no event joined a round";

  // Every connection got every event once, in the same order as the first one did.
  std::vector<std::string> first;
  for (std::size_t i = 0; i < connections; ++i) {
    auto frames = collect(*clients[i], ended(groupcalls, 3 * groupcalls), 10s);
    ASSERT_TRUE(ended(groupcalls, 3 * groupcalls)(frames))
        << "connection " << i << " got " << frames.size();
    expect_seq_continuous(frames);
    EXPECT_EQ(count_type(frames, "events_dropped"), 0u) << "connection " << i;
    std::vector<std::string> events;
    for (auto& f : frames) events.push_back(f.type + " " + f.id + " " + f.status);
    if (i == 0) first = events;
    ASSERT_EQ(events, first) << "connection " << i;
  }
}

}  // namespace
}  // namespace chorus::wstest
