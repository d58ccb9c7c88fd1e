// The hashed timing wheel on its own: schedule, cancel, advance; deadlines round
// up so nothing fires early; timers beyond one revolution wait their turn; stale
// handles cancel nothing; the next occupied tick says when an advance can have
// work.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "actors/timer_wheel.hpp"

namespace chorus {
namespace {

using Clock = TimerWheel::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

const Clock::time_point origin{};

Clock::time_point at_ms(std::int64_t ms) {
  return origin + milliseconds(ms);
}

// Advances and returns the labels of what fired.
std::vector<int> advance(TimerWheel& wheel, Clock::time_point now, std::vector<int>& fired_log) {
  std::vector<TimerWheel::Expired> out;
  wheel.advance(now, out);
  std::vector<int> fired;
  for (auto& e : out) {
    EXPECT_LE(e.deadline, now) << "fired early";
    auto before = fired_log.size();
    e.callback();
    for (auto i = before; i < fired_log.size(); ++i) fired.push_back(fired_log[i]);
  }
  std::sort(fired.begin(), fired.end());
  return fired;
}

TEST(TimerWheel, SchedulesAndFiresAtTheDeadline) {
  TimerWheel wheel(origin);
  std::vector<int> log;
  EXPECT_TRUE(wheel.empty());
  auto h1 = wheel.schedule(at_ms(5), [&] { log.push_back(1); });
  auto h2 = wheel.schedule(at_ms(3), [&] { log.push_back(2); });
  wheel.schedule(at_ms(5), [&] { log.push_back(3); });
  EXPECT_NE(h1, 0u);
  EXPECT_NE(h2, 0u);
  EXPECT_NE(h1, h2);
  EXPECT_EQ(wheel.size(), 3u);
  EXPECT_TRUE(advance(wheel, at_ms(2), log).empty());
  EXPECT_EQ(advance(wheel, at_ms(3), log), std::vector<int>{2});
  EXPECT_TRUE(advance(wheel, at_ms(4), log).empty());
  EXPECT_EQ(advance(wheel, at_ms(5), log), (std::vector<int>{1, 3}));
  EXPECT_TRUE(wheel.empty());
  // Advancing again, or backwards, fires nothing.
  EXPECT_TRUE(advance(wheel, at_ms(100), log).empty());
  EXPECT_TRUE(advance(wheel, at_ms(50), log).empty());
  EXPECT_EQ(log.size(), 3u);
}

TEST(TimerWheel, CancelStopsATimerAndStaleHandlesCancelNothing) {
  TimerWheel wheel(origin);
  std::vector<int> log;
  auto h1 = wheel.schedule(at_ms(10), [&] { log.push_back(1); });
  auto h2 = wheel.schedule(at_ms(10), [&] { log.push_back(2); });
  EXPECT_TRUE(wheel.cancel(h1));
  EXPECT_FALSE(wheel.cancel(h1));  // twice
  EXPECT_EQ(wheel.size(), 1u);
  EXPECT_EQ(advance(wheel, at_ms(10), log), std::vector<int>{2});
  EXPECT_FALSE(wheel.cancel(h2));  // already fired
  EXPECT_FALSE(wheel.cancel(0));
  EXPECT_FALSE(wheel.cancel(0xdeadbeefull));
  // The freed slots are reused; the old handles must not cancel the new timers.
  auto h3 = wheel.schedule(at_ms(20), [&] { log.push_back(3); });
  auto h4 = wheel.schedule(at_ms(20), [&] { log.push_back(4); });
  EXPECT_NE(h3, h1);
  EXPECT_NE(h3, h2);
  EXPECT_NE(h4, h1);
  EXPECT_NE(h4, h2);
  EXPECT_FALSE(wheel.cancel(h1));
  EXPECT_FALSE(wheel.cancel(h2));
  EXPECT_EQ(wheel.size(), 2u);
  EXPECT_TRUE(wheel.cancel(h4));
  EXPECT_EQ(advance(wheel, at_ms(20), log), std::vector<int>{3});
  EXPECT_EQ(log, (std::vector<int>{2, 3}));
}

TEST(TimerWheel, CancelledCallbackIsDestroyedWithoutRunning) {
  TimerWheel wheel(origin);
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  bool ran = false;
  auto h = wheel.schedule(at_ms(1), [token, &ran] { ran = true; });
  token.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_TRUE(wheel.cancel(h));
  EXPECT_TRUE(watch.expired());
  std::vector<int> log;
  advance(wheel, at_ms(10), log);
  EXPECT_FALSE(ran);
}

TEST(TimerWheel, DeadlinesRoundUpSoNothingFiresEarly) {
  TimerWheel wheel(origin);
  std::vector<int> log;
  wheel.schedule(origin + microseconds(5500), [&] { log.push_back(1); });
  wheel.schedule(origin + microseconds(6001), [&] { log.push_back(2); });
  EXPECT_TRUE(advance(wheel, origin + microseconds(5900), log).empty());
  EXPECT_TRUE(advance(wheel, origin + microseconds(5999), log).empty());
  EXPECT_EQ(advance(wheel, at_ms(6), log), std::vector<int>{1});
  EXPECT_TRUE(advance(wheel, origin + microseconds(6999), log).empty());
  EXPECT_EQ(advance(wheel, at_ms(7), log), std::vector<int>{2});
}

TEST(TimerWheel, PastDeadlineFiresOnTheNextAdvance) {
  TimerWheel wheel(origin);
  std::vector<int> log;
  advance(wheel, at_ms(100), log);
  wheel.schedule(at_ms(40), [&] { log.push_back(1); });
  wheel.schedule(origin - milliseconds(5), [&] { log.push_back(2); });
  EXPECT_TRUE(advance(wheel, at_ms(100), log).empty());  // same tick: not yet advanced
  EXPECT_EQ(advance(wheel, at_ms(101), log), (std::vector<int>{1, 2}));
}

TEST(TimerWheel, LongTimersWaitPastWholeRevolutions) {
  // 8 slots of 1 ms: one revolution is 8 ms.
  TimerWheel wheel(origin, milliseconds(1), 8);
  std::vector<int> log;
  wheel.schedule(at_ms(3), [&] { log.push_back(3); });
  wheel.schedule(at_ms(11), [&] { log.push_back(11); });  // same slot, next revolution
  wheel.schedule(at_ms(27), [&] { log.push_back(27); });  // same slot, three later
  wheel.schedule(at_ms(100), [&] { log.push_back(100); });
  for (std::int64_t ms = 1; ms <= 120; ++ms) {
    auto fired = advance(wheel, at_ms(ms), log);
    if (ms == 3 || ms == 11 || ms == 27 || ms == 100) {
      EXPECT_EQ(fired, std::vector<int>{static_cast<int>(ms)}) << ms;
    } else {
      EXPECT_TRUE(fired.empty()) << ms;
    }
  }
  EXPECT_TRUE(wheel.empty());
}

TEST(TimerWheel, OneBigAdvanceFiresEverythingDueAcrossRevolutions) {
  TimerWheel wheel(origin, milliseconds(1), 8);
  std::vector<int> log;
  for (int ms : {1, 8, 9, 17, 30, 31, 64})
    wheel.schedule(at_ms(ms), [&log, ms] { log.push_back(ms); });
  wheel.schedule(at_ms(65), [&] { log.push_back(65); });
  wheel.schedule(at_ms(200), [&] { log.push_back(200); });
  EXPECT_EQ(advance(wheel, at_ms(64), log), (std::vector<int>{1, 8, 9, 17, 30, 31, 64}));
  EXPECT_EQ(wheel.size(), 2u);
  EXPECT_EQ(advance(wheel, at_ms(199), log), std::vector<int>{65});
  EXPECT_EQ(advance(wheel, at_ms(1000), log), std::vector<int>{200});
  EXPECT_TRUE(wheel.empty());
}

TEST(TimerWheel, NextOccupiedIsTheFirstTickWhoseSlotHoldsATimer) {
  // 8 slots of 1 ms: one revolution is 8 ms.
  TimerWheel wheel(origin, milliseconds(1), 8);
  std::vector<int> log;
  EXPECT_EQ(wheel.next_occupied(), std::nullopt);
  auto near = wheel.schedule(at_ms(5), [&] { log.push_back(5); });
  EXPECT_EQ(wheel.next_occupied(), at_ms(5));
  // A later timer in the same slot keeps the slot occupied once the first goes.
  wheel.schedule(at_ms(13), [&] { log.push_back(13); });
  EXPECT_EQ(wheel.next_occupied(), at_ms(5));
  EXPECT_TRUE(wheel.cancel(near));
  EXPECT_EQ(wheel.next_occupied(), at_ms(5)) << "slot 5 still holds the 13 ms timer";
  // Its slot comes round at 5 ms with nothing due, then at 13 ms.
  EXPECT_TRUE(advance(wheel, at_ms(5), log).empty());
  EXPECT_EQ(wheel.next_occupied(), at_ms(13));
  EXPECT_EQ(advance(wheel, at_ms(13), log), std::vector<int>{13});
  EXPECT_EQ(wheel.next_occupied(), std::nullopt);
}

TEST(TimerWheel, NextOccupiedLooksAroundTheWheelFromItsPosition) {
  // 200 slots: the bitmap spans four words, the last one partly.
  TimerWheel wheel(origin, milliseconds(1), 200);
  std::vector<int> log;
  advance(wheel, at_ms(190), log);
  wheel.schedule(at_ms(1000), [&] { log.push_back(1000); });  // slot 0, five turns on
  EXPECT_EQ(wheel.next_occupied(), at_ms(200));
  wheel.schedule(at_ms(330), [&] { log.push_back(330); });  // slot 130
  EXPECT_EQ(wheel.next_occupied(), at_ms(200));
  wheel.schedule(at_ms(199), [&] { log.push_back(199); });  // the last slot
  EXPECT_EQ(wheel.next_occupied(), at_ms(199));
  EXPECT_EQ(advance(wheel, at_ms(199), log), std::vector<int>{199});
  EXPECT_EQ(wheel.next_occupied(), at_ms(200));
  EXPECT_TRUE(advance(wheel, at_ms(200), log).empty());
  EXPECT_EQ(wheel.next_occupied(), at_ms(330));
  EXPECT_EQ(advance(wheel, at_ms(330), log), std::vector<int>{330});
  // Only slot 0 is left; the position is past it, so it comes round at 400.
  EXPECT_EQ(wheel.next_occupied(), at_ms(400));
  // Walking from slot to occupied slot reaches each deadline and nothing more.
  int advances = 0;
  while (auto next = wheel.next_occupied()) {
    advance(wheel, *next, log);
    ++advances;
  }
  EXPECT_EQ(advances, 4);  // 400, 600, 800, 1000
  EXPECT_EQ(log.back(), 1000);
}

TEST(TimerWheel, CoarseTicks) {
  TimerWheel wheel(origin, milliseconds(10), 16);
  std::vector<int> log;
  wheel.schedule(at_ms(15), [&] { log.push_back(15); });  // rounds up to 20
  EXPECT_TRUE(advance(wheel, at_ms(15), log).empty());
  EXPECT_TRUE(advance(wheel, at_ms(19), log).empty());
  EXPECT_EQ(advance(wheel, at_ms(20), log), std::vector<int>{15});
}

TEST(TimerWheel, ManyTimersEachFireOnceOnTimeUnlessCancelled) {
  TimerWheel wheel(origin, milliseconds(1), 256);
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::int64_t> deadline_us(1, 5'000'000);
  constexpr int count = 20000;
  std::vector<Clock::time_point> deadlines(count);
  std::vector<std::uint64_t> handles(count);
  std::vector<int> fires(count, 0);
  std::vector<Clock::time_point> fired_at(count);
  Clock::time_point now = origin;
  for (int i = 0; i < count; ++i) {
    deadlines[i] = origin + microseconds(deadline_us(rng));
    handles[i] = wheel.schedule(deadlines[i], [&, i] {
      ++fires[i];
      fired_at[i] = now;
    });
  }
  std::vector<bool> cancelled(count, false);
  for (int i = 0; i < count; i += 3) {
    EXPECT_TRUE(wheel.cancel(handles[i]));
    cancelled[i] = true;
  }
  EXPECT_EQ(wheel.size(), static_cast<std::size_t>(count - (count + 2) / 3));
  std::uniform_int_distribution<int> step_us(1, 3000);
  Clock::time_point previous = origin;
  while (!wheel.empty()) {
    previous = now;
    now += microseconds(step_us(rng));
    std::vector<TimerWheel::Expired> out;
    wheel.advance(now, out);
    for (auto& e : out) {
      EXPECT_LE(e.deadline, now);
      e.callback();
    }
    ASSERT_LT(now, origin + std::chrono::seconds(10));
  }
  (void)previous;
  for (int i = 0; i < count; ++i) {
    if (cancelled[i]) {
      EXPECT_EQ(fires[i], 0) << i;
      continue;
    }
    ASSERT_EQ(fires[i], 1) << i;
    // Fired at the first advance at or after its deadline, rounded up to a tick.
    EXPECT_GE(fired_at[i], deadlines[i]) << i;
    auto rounded =
        origin +
        milliseconds(
            (std::chrono::duration_cast<microseconds>(deadlines[i] - origin).count() + 999) / 1000);
    EXPECT_LT(fired_at[i] - rounded, microseconds(3000)) << i;
  }
}

// A burst due at once comes out in slices of at most the limit, earliest tick
// first, and the wheel stays behind until the last slice: nothing is lost, not
// even a timer scheduled between slices with its deadline already passed.
TEST(TimerWheel, SlicedAdvanceFiresAtMostTheLimitEarliestTickFirst) {
  TimerWheel wheel(origin);
  std::vector<int> log;
  for (int i = 0; i < 10; ++i) wheel.schedule(at_ms(3), [&] { log.push_back(3); });
  for (int i = 0; i < 10; ++i) wheel.schedule(at_ms(5), [&] { log.push_back(5); });
  for (int i = 0; i < 5; ++i) wheel.schedule(at_ms(9), [&] { log.push_back(9); });
  std::vector<std::size_t> slices;
  bool caught_up = false;
  bool late_one_scheduled = false;
  while (!caught_up) {
    std::vector<TimerWheel::Expired> out;
    caught_up = wheel.advance(at_ms(9), out, 8);
    slices.push_back(out.size());
    for (auto& e : out) e.callback();
    if (!late_one_scheduled) {
      wheel.schedule(at_ms(1), [&] { log.push_back(1); });  // already passed
      late_one_scheduled = true;
    }
  }
  EXPECT_EQ(slices, (std::vector<std::size_t>{8, 8, 8, 2}));
  ASSERT_EQ(log.size(), 26u);
  // Earliest first; the late one fires in the slice after it was scheduled, with
  // the tick the wheel had reached.
  EXPECT_TRUE(std::is_sorted(log.begin(), log.begin() + 8));
  EXPECT_EQ(std::count(log.begin(), log.begin() + 8, 3), 8);
  EXPECT_EQ(std::count(log.begin(), log.end(), 1), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), 9), 5);
  EXPECT_TRUE(wheel.empty());
}

// One advance across many revolutions, in slices: every timer fires exactly once.
TEST(TimerWheel, SlicedAdvanceAcrossRevolutionsFiresEachTimerOnce) {
  TimerWheel wheel(origin, milliseconds(1), 64);
  std::vector<int> fires(300, 0);
  for (int i = 0; i < 300; ++i) wheel.schedule(at_ms(1 + i * 3), [&, i] { ++fires[i]; });
  int rounds = 0;
  for (bool caught_up = false; !caught_up; ++rounds) {
    std::vector<TimerWheel::Expired> out;
    caught_up = wheel.advance(at_ms(2000), out, 7);
    EXPECT_LE(out.size(), 7u);
    for (auto& e : out) e.callback();
    ASSERT_LT(rounds, 1000);
  }
  EXPECT_EQ(rounds, (300 + 6) / 7);
  EXPECT_EQ(std::count(fires.begin(), fires.end(), 1), 300);
}

// One slab entry reused past 2^24 times: its handles must stay within
// handle_bits, where SupervisedTimers keeps its shard tag above them, or a cancel
// through the tagged token would silently miss (the engine relies on cancel).
TEST(TimerWheel, HandlesStayBelowTheTagBitsAfterAnEntryIsReusedPast2To24Times) {
  TimerWheel wheel(origin);
  constexpr std::uint64_t limit = std::uint64_t{1} << TimerWheel::handle_bits;
  constexpr std::uint32_t reuses = (1u << 24) + 8;
  std::uint32_t out_of_bits = 0, missed = 0;
  std::uint64_t first = 0, last = 0;
  for (std::uint32_t i = 0; i < reuses; ++i) {
    auto handle = wheel.schedule(at_ms(5), TimerWheel::Callback{});
    if (i == 0) first = handle;
    last = handle;
    out_of_bits += handle >= limit;
    missed += !wheel.cancel(handle & (limit - 1));  // as a tagged token passes it
  }
  EXPECT_EQ(out_of_bits, 0u);
  EXPECT_EQ(missed, 0u);
  EXPECT_TRUE(wheel.empty());
  // A handle from long before names nothing now.
  auto pending = wheel.schedule(at_ms(5), TimerWheel::Callback{});
  EXPECT_NE(pending, first);
  EXPECT_FALSE(wheel.cancel(last));
  EXPECT_TRUE(wheel.cancel(pending));
}

}  // namespace
}  // namespace chorus
