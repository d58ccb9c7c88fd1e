#pragma once
// Test access to an engine running under CAF's deterministic scheduler: run every
// pending message, advance virtual time, count the actors still running.

#include <chrono>

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/engine.hpp"
#include "actors/engine_core.hpp"
#include "actors/supervisor.hpp"

namespace chorus {

class EngineProbe {
 public:
  explicit EngineProbe(Engine& engine) : core_(*engine.core_) {}

  EngineContext& context() { return core_.context(); }
  caf::scheduler::test_coordinator& scheduler() { return *core_.test_scheduler(); }

  // Runs every message that is ready, including those the run itself causes.
  std::size_t run() { return scheduler().run(); }

  // Advances virtual time in 1 ms steps (the wheel's tick), running whatever
  // becomes ready on the way.
  void advance(std::chrono::milliseconds span) {
    run();
    auto step = std::chrono::milliseconds(1);
    for (auto t = std::chrono::milliseconds(0); t < span; t += step) {
      scheduler().advance_time(step);
      run();
    }
  }

  // Running actors besides the engine's own supervisors and their tick relays.
  std::size_t call_actors() {
    auto running = core_.system().registry().running();
    auto infrastructure = actors_per_shard * core_.context().supervisors.size();
    return running > infrastructure ? running - infrastructure : 0;
  }

 private:
  EngineCore& core_;
};

}  // namespace chorus
