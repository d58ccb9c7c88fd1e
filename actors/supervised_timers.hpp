#pragma once
// The TimerService, as one timing wheel per supervisor shard. A supervisor runs
// its wheel only when a timer may be due: it books a wake-up through CAF's clock
// for the wheel's next occupied tick, and a timer scheduled earlier than every
// wake-up booked books its own. So a wheel without timers costs nothing, and one
// holding only far timers (a conference's hour) wakes once per occupied slot and
// revolution rather than every millisecond.
// A burst of expiries (a million legs rung together time out together) runs in
// slices of `expiry_slice`: the supervisor runs one slice per turn and yields, so
// what a slice sent is handled before the next slice floods the workers' queues,
// and each expiry is dispatched close to its deadline.
// Time comes from CAF's actor clock, so CAF's deterministic test scheduler drives
// these timers with virtual time exactly as it drives everything else.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>

#include "actors/messages.hpp"
#include "actors/timer_service.hpp"
#include "actors/timer_wheel.hpp"

namespace chorus {

class SupervisedTimers final : public TimerService {
 public:
  SupervisedTimers(caf::actor_clock& clock, std::size_t shards);

  // Each shard's wheel is driven by one supervisor; set before any timer.
  void bind(std::size_t shard, supervisor_actor supervisor);
  std::size_t shard_count() const noexcept { return shards_.size(); }

  Token schedule(std::chrono::microseconds delay, Callback callback) override;
  bool cancel(Token token) override;

  static constexpr std::size_t expiry_slice = 32;

  // What brought the supervisor to fire_due.
  enum class Turn {
    woken,   // a wake-up it had booked (wake_atom) arrived
    resumed  // its own yield between slices (tick_atom)
  };

  // For the supervisor of `shard`: runs at most expiry_slice due callbacks,
  // earliest deadline first. True when more are due already: the supervisor
  // yields, then runs the next slice at once. Otherwise the wake-up for what is
  // left is booked (none when nothing is).
  bool fire_due(std::size_t shard, Turn turn);

  // Drops every pending timer without running it (engine shutdown).
  void clear();
  std::size_t pending() const;

 private:
  struct Shard {
    explicit Shard(TimerWheel::Clock::time_point origin) : wheel(origin) {}
    mutable std::mutex mutex;
    TimerWheel wheel;
    // The wake-ups booked and not yet arrived, latest first: CAF's clock
    // delivers them earliest first, so an arrival takes the last one.
    std::vector<TimerWheel::Clock::time_point> wakes;
    // Between the slices of a burst: the supervisor's yields (tick_atom) run
    // the wheel, so neither a wake-up nor a new timer starts another run.
    bool resuming = false;
    supervisor_actor supervisor;

    struct Wake {
      TimerWheel::Clock::time_point at;
      supervisor_actor supervisor;
    };
    // Under the lock: books the wake-up for the wheel's next occupied tick and
    // returns it to be sent, unless the supervisor is running a burst or expects
    // a wake-up by then already.
    std::optional<Wake> book_next_wake();
  };

  TimerWheel::Clock::time_point now() const;
  void send(const Shard::Wake& wake);

  caf::actor_clock& clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> next_shard_{0};
};

}  // namespace chorus
