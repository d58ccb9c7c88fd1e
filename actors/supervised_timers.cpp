#include "actors/supervised_timers.hpp"

#include <caf/actor_cast.hpp>
#include <caf/mailbox_element.hpp>

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

std::optional<SupervisedTimers::Shard::Wake> SupervisedTimers::Shard::book_next_wake() {
  auto next = wheel.next_occupied();
  if (!next || !supervisor || resuming) return std::nullopt;
  if (!wakes.empty() && wakes.back() <= *next) return std::nullopt;
  wakes.push_back(*next);
  return Wake{*next, supervisor};
}

void SupervisedTimers::send(const Shard::Wake& wake) {
  // A wake-up already due is sent by the clock at once.
  clock_.schedule_message(
      caf::actor_clock::time_point(wake.at.time_since_epoch()),
      caf::actor_cast<caf::strong_actor_ptr>(wake.supervisor),
      caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, wake_atom::value));
}

TimerService::Token SupervisedTimers::schedule(std::chrono::microseconds delay, Callback callback) {
  // Spread timers over the shards; which shard holds a timer does not matter.
  auto index = next_shard_.fetch_add(1, std::memory_order_relaxed) % shards_.size();
  auto& shard = *shards_[index];
  auto deadline = now() + delay;
  std::uint64_t handle = 0;
  std::optional<Shard::Wake> wake;
  {
    std::lock_guard<std::mutex> guard(shard.mutex);
    handle = shard.wheel.schedule(deadline, std::move(callback));
    // Under load the supervisor is working through a burst, or a wake-up is
    // booked for the next tick already: this books one only for a timer earlier
    // than any the supervisor expects.
    wake = shard.book_next_wake();
  }
  if (wake) send(*wake);
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

bool SupervisedTimers::fire_due(std::size_t index, Turn turn) {
  auto& shard = *shards_[index];
  std::vector<TimerWheel::Expired> due;
  bool caught_up = true;
  {
    std::lock_guard<std::mutex> guard(shard.mutex);
    if (turn == Turn::woken) {
      if (!shard.wakes.empty()) shard.wakes.pop_back();
      // Its yields are running the wheel already; they book what comes next.
      if (shard.resuming) return false;
    }
    caught_up = shard.wheel.advance(now(), due, expiry_slice);
    shard.resuming = !caught_up;
  }
  // Outside the lock: a callback may schedule again.
  for (auto& expired : due) expired.callback();
  if (!caught_up) return true;
  std::optional<Shard::Wake> wake;
  {
    std::lock_guard<std::mutex> guard(shard.mutex);
    wake = shard.book_next_wake();
  }
  if (wake) send(*wake);
  return false;
}

void SupervisedTimers::clear() {
  for (auto& shard : shards_) {
    std::vector<TimerWheel::Expired> dropped;
    std::lock_guard<std::mutex> guard(shard->mutex);
    shard->wheel.advance(TimerWheel::Clock::time_point(TimerWheel::Clock::duration::max() / 2),
                         dropped);
    shard->wakes.clear();
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
