// The engine's timer service under a burst: timers due at the same tick fire in
// slices of SupervisedTimers::expiry_slice per supervisor turn, one turn after
// another, instead of all in one turn that floods the workers' queues.

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "engine_fixture.hpp"
#include "engine_probe.hpp"

namespace chorus {
namespace {

TEST(TimerSlices, ABurstDueAtOnceFiresOneSlicePerSupervisorTurn) {
  auto options = test::deterministic_options();
  options.supervisor_shards = 1;
  Engine engine(std::make_shared<SimulatedLegDriver>(), options);
  EngineProbe probe(engine);
  constexpr auto slice = SupervisedTimers::expiry_slice;
  constexpr std::size_t burst = 3 * slice + 10;
  std::size_t fired = 0;
  for (std::size_t i = 0; i < burst; ++i) {
    engine.timers().schedule(std::chrono::milliseconds(5), [&] { ++fired; });
  }
  probe.advance(std::chrono::milliseconds(5));
  // The deadline's turn ran one slice; each turn after it runs the next.
  EXPECT_EQ(fired, slice);
  std::vector<std::size_t> per_turn;
  while (fired < burst) {
    auto before = fired;
    probe.scheduler().advance_time(std::chrono::milliseconds(0));  // no time passes
    probe.run();
    per_turn.push_back(fired - before);
    ASSERT_LT(per_turn.size(), 10u);
  }
  EXPECT_EQ(per_turn, (std::vector<std::size_t>{slice, slice, 10}));
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  engine.stop();
}

}  // namespace
}  // namespace chorus
