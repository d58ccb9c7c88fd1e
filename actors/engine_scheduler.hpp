#pragma once
// The engine's CAF scheduler: CAF's work-stealing coordinator with a clock that
// lets terminating actors go without a trip through the clock thread, on workers
// that run without CAF's logger (see EnginePolicy in the .cpp).
//
// CAF 0.17 cancels every terminating actor's timeouts by pushing a command into
// the clock's bounded, locked queue and waking its thread, whether or not the
// actor ever set a timeout. The engine's actors keep their timers in its own
// wheel (timer_wheel.hpp), so nearly none has a CAF timeout, yet each call leg
// and groupcall paid that push and wake-up as it quit: measured at a fifth of
// all CPU in bench_engine/1. The clock here remembers which actors set one and
// cancels only theirs. Internal: engine_core.cpp installs it.

#include <cstdint>

namespace caf {
class actor_system;
class actor_system_config;
}  // namespace caf

namespace chorus {

// Makes `config` build the engine's scheduler (not for the deterministic
// test coordinator, which has its own clock).
void use_engine_scheduler(caf::actor_system_config& config);

// How many terminating actors' timeout cancellations the engine scheduler's clock
// passed on to CAF (those that had set a timeout); 0 under another scheduler.
std::uint64_t timeout_cancellations_sent(caf::actor_system& system);

// While one is open on a thread, the actors that thread's sends wake run on the
// engine scheduler's timer lane: before any other queued work, so that a burst
// of teardown work queued earlier does not make ring timeouts late. The clock
// thread's sends are always on it; a supervisor opens one as it fires timers.
class TimerLane {
 public:
  TimerLane() noexcept;
  ~TimerLane();
  TimerLane(const TimerLane&) = delete;
  TimerLane& operator=(const TimerLane&) = delete;

  // Whether this thread's sends are on the timer lane now.
  static bool open() noexcept;

 private:
  bool previous_;
};

}  // namespace chorus
