#pragma once
// The TimerService, as one timing wheel per supervisor shard. A wheel ticks only
// while it holds timers: the first timer scheduled into an idle wheel wakes its
// supervisor, which then advances the wheel every millisecond until it is empty.
// A burst of expiries (a million legs rung together time out together) runs in
// slices of `expiry_slice`: the supervisor runs one slice per turn and yields, so
// what a slice sent is handled before the next slice floods the workers' queues,
// and each expiry is dispatched close to its deadline.
// Time comes from CAF's actor clock, so CAF's deterministic test scheduler drives
// these timers with virtual time exactly as it drives everything else.

#include <atomic>
#include <memory>
#include <mutex>
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

  // How a shard stands once it ran a slice.
  enum class Due {
    idle,   // no timer left: the shard sleeps until the next schedule wakes it
    later,  // timers pending, none due yet: tick again in a millisecond
    now,    // more are due already: yield, then run the next slice at once
  };
  static constexpr std::size_t expiry_slice = 32;

  // For the supervisor of `shard`: runs at most expiry_slice due callbacks,
  // earliest deadline first.
  Due fire_due(std::size_t shard);

  // Drops every pending timer without running it (engine shutdown).
  void clear();
  std::size_t pending() const;

 private:
  struct Shard {
    explicit Shard(TimerWheel::Clock::time_point origin) : wheel(origin) {}
    mutable std::mutex mutex;
    TimerWheel wheel;
    bool ticking = false;
    supervisor_actor supervisor;
  };

  TimerWheel::Clock::time_point now() const;

  caf::actor_clock& clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> next_shard_{0};
};

}  // namespace chorus
