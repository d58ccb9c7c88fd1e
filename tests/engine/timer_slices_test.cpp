// The engine's timer service under a burst: timers due at the same tick fire in
// slices of SupervisedTimers::expiry_slice per supervisor turn, one turn after
// another, instead of all in one turn that floods the workers' queues; and what a
// slice woke runs before the next slice does.

#include <gtest/gtest.h>

#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

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
  // Each timer wakes an actor, as a leg's ring timeout does.
  std::size_t fired = 0;
  std::size_t handled = 0;
  // Spawned with an argument: CAF 0.17 dereferences a null argument tuple for a
  // function actor spawned with none (UBSan reports it).
  auto woken = probe.context().system.spawn(
      [](caf::event_based_actor*, std::size_t* count) -> caf::behavior {
        return {[count](tick_atom) { ++*count; }};
      },
      &handled);
  for (std::size_t i = 0; i < burst; ++i) {
    engine.timers().schedule(std::chrono::milliseconds(5), [&fired, woken] {
      ++fired;
      caf::anon_send(woken, tick_atom::value);
    });
  }
  probe.advance(std::chrono::milliseconds(4));
  ASSERT_EQ(fired, 0u);
  probe.scheduler().advance_time(std::chrono::milliseconds(1));  // the deadline
  // One message at a time, in the order the workers would take them.
  std::vector<std::size_t> per_turn;
  std::size_t before = 0;
  while (probe.scheduler().try_run_once()) {
    if (fired == before) continue;
    EXPECT_EQ(handled, before) << "a slice ran before the previous slice's wakes";
    per_turn.push_back(fired - before);
    before = fired;
    ASSERT_LT(per_turn.size(), 10u);
  }
  EXPECT_EQ(per_turn, (std::vector<std::size_t>{slice, slice, slice, 10}));
  EXPECT_EQ(handled, burst);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  caf::anon_send_exit(woken, caf::exit_reason::user_shutdown);
  probe.run();
  engine.stop();
}

}  // namespace
}  // namespace chorus
