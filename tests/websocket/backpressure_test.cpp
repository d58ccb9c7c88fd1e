// Backpressure: a consumer that does not read loses its oldest events, is told
// how many with an events_dropped frame that takes their place (and a seq), and
// slows nobody else down; one that stays full longer than --ws-full-timeout-ms is
// closed with 1008, and one that is full for less is not.

#include <gtest/gtest.h>

#include <thread>

#include "heavy_traffic.hpp"

namespace chorus::wstest {
namespace {

// A client whose TCP receive buffer is small, so that not reading soon fills
// what the kernels hold and the server's queue for it.
WsOptions small_buffer() {
  WsOptions options;
  options.receive_buffer = 4096;
  return options;
}

// Whether `part` is a subsequence of `whole`.
bool subsequence(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  std::size_t i = 0;
  for (auto& item : whole) {
    if (i < part.size() && part[i] == item) ++i;
  }
  return i == part.size();
}

// Events delivered plus events counted in events_dropped frames.
std::uint64_t accounted(const std::vector<Frame>& frames) {
  std::uint64_t total = 0;
  for (auto& f : frames) total += f.is_dropped() ? f.count : 1;
  return total;
}

// Reads `client` until `events` are accounted for, or `limit` has passed, then
// reads on briefly so that anything sent beyond them (a bug) is seen too.
std::vector<Frame> drain_until_accounted(WsClient& client, std::size_t events,
                                         std::chrono::milliseconds limit) {
  std::vector<Frame> frames;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (accounted(frames) < events && std::chrono::steady_clock::now() < deadline) {
    if (auto text = client.read(100ms)) frames.push_back(parse_frame(*text));
  }
  for (auto& f : drain(client, 100ms)) frames.push_back(std::move(f));
  return frames;
}

TEST(WsBackpressure, AConsumerThatDoesNotReadLosesItsOldestEventsAndIsToldHowMany) {
  Chorusd chorusd(
      // A queue of 400 events (about 9 heavy groupcalls) lets the reader fall behind
      // for a while on a loaded machine without losing anything, and is still far
      // less than the 40 groupcalls the stalled consumer is sent.
      {"--ws-queue-events", "400", "--ws-full-timeout-ms", "60000", "--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  auto stalled = open_client(port, key_a, {topic(customer_a)}, small_buffer());
  auto reader = open_client(port, key_a, {topic(customer_a)});
  // About 250 KB of events per heavy groupcall: 40 of them are far more than the
  // socket buffers between chorusd and `stalled` hold (a few MB), however tuned.
  constexpr int groupcalls = 40, legs = 10;
  auto body = heavy_groupcall_body();

  // The reader reads all along, on its own thread; `stalled` is not read at all.
  BackgroundReader reading(*reader, ended(groupcalls, groupcalls * legs));
  for (int i = 0; i < groupcalls; ++i) {
    auto answer = http_request(port, "POST", "/v1.0/groupcalls", body, bearer(key_a));
    ASSERT_EQ(answer.status, 200u) << answer.error << answer.body;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(reading.wait(20s)) << "the reader did not receive every groupcall's end";
  std::this_thread::sleep_for(200ms);
  auto received = reading.stop();

  // The reader got everything, in order, with nothing dropped.
  ASSERT_EQ(count_type(received, "groupcall_hangup"), static_cast<std::size_t>(groupcalls));
  EXPECT_EQ(count_type(received, "events_dropped"), 0u);
  expect_seq_continuous(received);
  expect_resource_order(received, true);
  auto events = received.size();

  // The stalled consumer, read only now: what it was sent, and how much it lost.
  // Read until every event is accounted for (delivered or counted as dropped), not
  // until a quiet gap: on a loaded machine the backlog can pause for longer.
  auto backlog = drain_until_accounted(*stalled, events, 20s);
  ASSERT_TRUE(stalled->is_open()) << "full for less than --ws-full-timeout-ms: kept";
  ASSERT_FALSE(backlog.empty());
  expect_seq_continuous(backlog);
  std::uint64_t dropped = 0, delivered = 0;
  for (auto& f : backlog) {
    if (f.is_dropped()) {
      EXPECT_GT(f.count, 0u) << f.raw;
      dropped += f.count;
    } else {
      EXPECT_TRUE(f.is_event()) << f.raw.substr(0, 200);
      ++delivered;
    }
  }
  EXPECT_GT(count_type(backlog, "events_dropped"), 0u) << "the queue of 400 never overflowed";
  EXPECT_GT(dropped, 0u);
  // Every event was either delivered or counted as dropped, none twice.
  EXPECT_EQ(delivered + dropped, events);
  // What it did get, it got in each resource's order: each resource's events are
  // a subsequence of what the reader saw.
  auto all = per_resource(received);
  for (auto& [id, got] : per_resource(backlog)) {
    EXPECT_TRUE(subsequence(got, all[id])) << "resource " << id;
  }
  // The newest events survived: the last frame is an event, and the last event
  // the reader saw reached the stalled consumer too.
  EXPECT_TRUE(backlog.back().is_event()) << backlog.back().raw.substr(0, 200);
  auto newest = received.back().id + received.back().type;
  EXPECT_TRUE(std::any_of(backlog.begin(), backlog.end(),
                          [&](const Frame& f) { return f.id + f.type == newest; }))
      << "the newest event was dropped: " << received.back().type << " " << received.back().id;

  // It carries on normally once it reads again, seq continuing.
  auto next_seq = *backlog.back().seq + 1;
  auto gc = create_groupcall(port, key_a, {"z@sim;answer=10;hangup=10"});
  auto more = collect(*stalled, ended(1, 1), 5s);
  ASSERT_EQ(count_type(more, "groupcall_hangup"), 1u);
  ASSERT_TRUE(more.front().seq);
  EXPECT_EQ(*more.front().seq, next_seq);
  EXPECT_EQ(more.front().id, gc.id);
  EXPECT_EQ(count_type(more, "events_dropped"), 0u);
}

TEST(WsBackpressure, AConsumerFullLongerThanTheTimeoutIsClosedWith1008) {
  Chorusd chorusd({"--ws-queue-events", "20", "--ws-full-timeout-ms", "2000",
                   "--ws-ping-interval-s", "60", "--ws-max-connections", "2"});
  auto port = chorusd.port();
  auto slow = open_client(port, key_a, {topic(customer_a)}, small_buffer());
  auto reader = open_client(port, key_a, {topic(customer_a)});
  BackgroundReader reading(*reader);
  // Several MB/s of events: the buffers towards `slow` fill within a second.
  HeavyFlood flood(port, key_a);

  // Not read for 1.2 s: it overflows, but is full for less than the timeout.
  std::this_thread::sleep_for(1200ms);
  auto first = collect(
      *slow, [](const std::vector<Frame>&) { return false; }, 1s);
  ASSERT_TRUE(slow->is_open()) << "closed after a pause shorter than the timeout";
  EXPECT_GT(count_type(first, "events_dropped"), 0u) << "the pause did not overflow the queue";
  expect_seq_continuous(first);

  // Not read for 4 s while events keep coming: full longer than the timeout.
  std::this_thread::sleep_for(4s);
  auto resumed = Clock::now();
  ASSERT_TRUE(slow->wait_closed(5s)) << "a consumer full for about 3 s was not closed";
  EXPECT_LT(Clock::now() - resumed, 3s);
  EXPECT_EQ(slow->close_code(), 1008u) << slow->read_error().message();
  // Before the close it was sent the frames that were on their way, seq going on.
  auto last = drain(*slow, 100ms);
  first.insert(first.end(), last.begin(), last.end());
  expect_seq_continuous(first);

  // Everyone else carries on.
  EXPECT_GT(flood.created(), 100);
  flood.stop();
  std::this_thread::sleep_for(300ms);
  auto received = reading.stop();
  EXPECT_FALSE(reader->closed()) << reader->read_error().message();
  EXPECT_GT(received.size(), 1000u);
  expect_seq_continuous(received);
  // The slow connection is gone: its slot (one of two) is free again.
  auto again = connect_within(port, key_a, 2s);
  ASSERT_TRUE(again) << "the closed connection still holds its slot";
}

}  // namespace
}  // namespace chorus::wstest
