#include "actors/supervised_timers.hpp"

#include <caf/send.hpp>

namespace chorus {

namespace {

// Token layout: shard in the top 8 bits, the wheel's handle below.
constexpr int shard_shift = 56;
static_assert(shard_shift >= TimerWheel::handle_bits, "a shard tag must not cut a wheel handle");
constexpr std::uint64_t handle_mask = (std::uint64_t{1} << shard_shift) - 1;

}  // namespace

SupervisedTimers::SupervisedTimers(caf::actor_clock& clock, std::size_t shards) : clock_(clock) {
  auto origin = now();
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>(origin));
}

void SupervisedTimers::bind(std::size_t shard, supervisor_actor supervisor) {
  std::lock_guard<std::mutex> guard(shards_[shard]->mutex);
  shards_[shard]->supervisor = std::move(supervisor);
}

TimerWheel::Clock::time_point SupervisedTimers::now() const {
  // CAF's clock is steady_clock in production and virtual time under test.
  return TimerWheel::Clock::time_point(clock_.now().time_since_epoch());
}

TimerService::Token SupervisedTimers::schedule(std::chrono::microseconds delay, Callback callback) {
  // Spread timers over the shards; which shard holds a timer does not matter.
  auto index = next_shard_.fetch_add(1, std::memory_order_relaxed) % shards_.size();
  auto& shard = *shards_[index];
  auto deadline = now() + delay;
  std::uint64_t handle = 0;
  bool wake = false;
  supervisor_actor supervisor;
  {
    std::lock_guard<std::mutex> guard(shard.mutex);
    handle = shard.wheel.schedule(deadline, std::move(callback));
    if (!shard.ticking) {
      shard.ticking = wake = true;
      supervisor = shard.supervisor;
    }
  }
  if (wake && supervisor) caf::anon_send(supervisor, tick_atom::value);
  return Token{(static_cast<std::uint64_t>(index) << shard_shift) | handle};
}

bool SupervisedTimers::cancel(Token token) {
  if (!token) return false;
  auto index = static_cast<std::size_t>(token.value >> shard_shift);
  if (index >= shards_.size()) return false;
  auto& shard = *shards_[index];
  std::lock_guard<std::mutex> guard(shard.mutex);
  return shard.wheel.cancel(token.value & handle_mask);
}

SupervisedTimers::Due SupervisedTimers::fire_due(std::size_t index) {
  auto& shard = *shards_[index];
  std::vector<TimerWheel::Expired> due;
  bool caught_up = true;
  {
    std::lock_guard<std::mutex> guard(shard.mutex);
    caught_up = shard.wheel.advance(now(), due, expiry_slice);
  }
  // Outside the lock: a callback may schedule again.
  for (auto& expired : due) expired.callback();
  if (!caught_up) return Due::now;
  std::lock_guard<std::mutex> guard(shard.mutex);
  if (!shard.wheel.empty()) return Due::later;
  shard.ticking = false;
  return Due::idle;
}

void SupervisedTimers::clear() {
  for (auto& shard : shards_) {
    std::vector<TimerWheel::Expired> dropped;
    std::lock_guard<std::mutex> guard(shard->mutex);
    shard->wheel.advance(TimerWheel::Clock::time_point(TimerWheel::Clock::duration::max() / 2),
                         dropped);
    shard->supervisor = nullptr;
  }
}

std::size_t SupervisedTimers::pending() const {
  std::size_t total = 0;
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard->mutex);
    total += shard->wheel.size();
  }
  return total;
}

}  // namespace chorus
