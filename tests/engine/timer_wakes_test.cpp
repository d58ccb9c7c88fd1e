// The engine's timer service wakes its supervisor only when a timer may be due:
// at the wheel's next occupied tick, booked through CAF's clock, and earlier when
// an earlier timer arrives. A supervisor holding one far timer is not run every
// millisecond (issue 19: no fixed-rate tick while no timer is due).

#include <gtest/gtest.h>

#include <optional>

#include "engine_fixture.hpp"
#include "engine_probe.hpp"

namespace chorus {
namespace {

using namespace std::chrono_literals;

struct TimerWakes : ::testing::Test {
  TimerWakes() : engine(std::make_shared<SimulatedLegDriver>(), one_shard()), probe(engine) {
    probe.run();
  }
  ~TimerWakes() override { engine.stop(); }

  static EngineOptions one_shard() {
    auto options = test::deterministic_options();
    options.supervisor_shards = 1;
    return options;
  }

  caf::detail::test_actor_clock& clock() { return probe.scheduler().clock(); }

  // Delivers the clock's pending messages one at a time, whenever each is due,
  // running what each one causes; returns how many it delivered.
  std::size_t deliver_all() {
    std::size_t delivered = 0;
    while (clock().trigger_timeout()) {
      ++delivered;
      probe.run();
    }
    return delivered;
  }

  Engine engine;
  EngineProbe probe;
};

TEST_F(TimerWakes, AFarTimerWakesItsSupervisorOncePerRevolutionNotPerTick) {
  auto start = clock().now();
  std::optional<caf::actor_clock::time_point> fired_at;
  engine.timers().schedule(10s, [&] { fired_at = clock().now(); });
  // The wheel's 4096 slots of 1 ms: the timer's slot comes round at about 1.8 s
  // and 5.9 s, then at 10 s. A tick every millisecond would be 10,000 wake-ups.
  EXPECT_EQ(deliver_all(), 3u);
  ASSERT_TRUE(fired_at.has_value());
  EXPECT_EQ(*fired_at - start, 10s);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  EXPECT_FALSE(clock().has_pending_timeout()) << "an idle wheel books nothing";
}

TEST_F(TimerWakes, AnEarlierTimerBooksItsOwnWakeUp) {
  auto start = clock().now();
  std::optional<caf::actor_clock::time_point> near_at, far_at;
  engine.timers().schedule(3s, [&] { far_at = clock().now(); });
  engine.timers().schedule(20ms, [&] { near_at = clock().now(); });
  ASSERT_TRUE(clock().trigger_timeout());
  probe.run();
  ASSERT_TRUE(near_at.has_value()) << "the first wake-up is the near timer's";
  EXPECT_EQ(*near_at - start, 20ms);
  EXPECT_FALSE(far_at.has_value());
  // One wake-up per timer: the 3 s wake-up was booked first and is still due.
  EXPECT_EQ(deliver_all(), 1u);
  ASSERT_TRUE(far_at.has_value());
  EXPECT_EQ(*far_at - start, 3s);
}

TEST_F(TimerWakes, ALaterTimerBooksNothingWhileAnEarlierWakeUpIsDue) {
  engine.timers().schedule(50ms, [] {});
  std::size_t booked = clock().schedule().size();
  for (int i = 0; i < 100; ++i) engine.timers().schedule(60ms + i * 1ms, [] {});
  EXPECT_EQ(clock().schedule().size(), booked);
  // Each occupied tick then gets one wake-up, booked as the previous one ends.
  EXPECT_EQ(deliver_all(), 101u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
}

// Between the slices of a burst the supervisor's own yields run the wheel: a timer
// scheduled then books no wake-up of its own (one would start a second run of
// the wheel beside the first, a clock thread's wake-up for nothing), and the run
// picks it up when it is due.
TEST_F(TimerWakes, ATimerScheduledDuringABurstBooksNothing) {
  constexpr std::size_t burst = 3 * SupervisedTimers::expiry_slice;
  std::size_t fired = 0;
  for (std::size_t i = 0; i < burst; ++i) engine.timers().schedule(5ms, [&] { ++fired; });
  ASSERT_TRUE(clock().trigger_timeout());  // the burst's wake-up
  ASSERT_FALSE(clock().has_pending_timeout());
  ASSERT_TRUE(probe.scheduler().try_run_once());  // its first slice
  ASSERT_EQ(fired, SupervisedTimers::expiry_slice);
  bool later_fired = false;
  engine.timers().schedule(1ms, [&] { later_fired = true; });
  EXPECT_FALSE(clock().has_pending_timeout()) << "a wake-up booked during the burst";
  probe.run();
  EXPECT_EQ(fired, burst);
  // The burst's last slice booked the new timer's wake-up.
  EXPECT_EQ(deliver_all(), 1u);
  EXPECT_TRUE(later_fired);
}

}  // namespace
}  // namespace chorus
