#include "actors/timer_wheel.hpp"

#include <algorithm>
#include <cassert>

namespace chorus {

namespace {

constexpr int index_bits = 32;
constexpr std::uint32_t generation_mask =
    (std::uint32_t{1} << (TimerWheel::handle_bits - index_bits)) - 1;

constexpr std::size_t word_bits = 64;

std::uint64_t make_handle(std::uint32_t index, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(generation) << index_bits) | index;
}

}  // namespace

TimerWheel::TimerWheel(Clock::time_point origin, std::chrono::microseconds tick,
                       std::size_t slot_count)
    : origin_(origin),
      tick_(tick),
      slots_(slot_count, none),
      occupied_((slot_count + word_bits - 1) / word_bits, 0) {
  assert(tick.count() > 0 && slot_count > 0);
}

std::int64_t TimerWheel::tick_of(Clock::time_point t) const {
  // Round up: a timer never fires before its deadline.
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(t - origin_).count();
  auto tick = tick_.count();
  return elapsed <= 0 ? 0 : (elapsed + tick - 1) / tick;
}

std::uint32_t TimerWheel::allocate() {
  if (free_head_ != none) {
    auto index = free_head_;
    free_head_ = entries_[index].next;
    return index;
  }
  entries_.emplace_back();
  return static_cast<std::uint32_t>(entries_.size() - 1);
}

void TimerWheel::release(std::uint32_t index) {
  auto& e = entries_[index];
  e.callback = nullptr;
  e.pending = false;
  // Stale handles stop matching. The generation wraps within its bits: were it
  // to outgrow them, a handle's tag bits would cut it and cancel would miss.
  e.generation = (e.generation + 1) & generation_mask;
  if (e.generation == 0) e.generation = 1;
  e.prev = none;
  e.next = free_head_;
  free_head_ = index;
}

void TimerWheel::link(std::uint32_t index) {
  auto& e = entries_[index];
  auto slot = static_cast<std::size_t>(e.deadline_tick) % slots_.size();
  e.prev = none;
  e.next = slots_[slot];
  if (e.next != none) entries_[e.next].prev = index;
  slots_[slot] = index;
  mark(slot, true);
}

void TimerWheel::unlink(std::uint32_t index) {
  auto& e = entries_[index];
  if (e.prev != none) {
    entries_[e.prev].next = e.next;
  } else {
    auto slot = static_cast<std::size_t>(e.deadline_tick) % slots_.size();
    slots_[slot] = e.next;
    if (e.next == none) mark(slot, false);
  }
  if (e.next != none) entries_[e.next].prev = e.prev;
}

void TimerWheel::mark(std::size_t slot, bool occupied) {
  auto bit = std::uint64_t{1} << (slot % word_bits);
  auto& word = occupied_[slot / word_bits];
  word = occupied ? word | bit : word & ~bit;
}

// The first occupied slot in [begin, end), or `end`.
std::size_t TimerWheel::first_occupied(std::size_t begin, std::size_t end) const {
  for (auto i = begin; i < end; i = (i / word_bits + 1) * word_bits) {
    if (auto word = occupied_[i / word_bits] >> (i % word_bits)) {
      return std::min(i + static_cast<std::size_t>(__builtin_ctzll(word)), end);
    }
  }
  return end;
}

std::optional<TimerWheel::Clock::time_point> TimerWheel::next_occupied() const {
  if (size_ == 0) return std::nullopt;
  auto count = slots_.size();
  auto from = static_cast<std::size_t>(current_tick_ + 1) % count;
  // From the next tick's slot to the end, then around from the start.
  auto slot = first_occupied(from, count);
  auto distance = slot != count ? slot - from : count - from + first_occupied(0, from);
  auto tick = current_tick_ + 1 + static_cast<std::int64_t>(distance);
  return origin_ + tick * tick_;
}

std::uint64_t TimerWheel::schedule(Clock::time_point deadline, Callback callback) {
  auto index = allocate();
  auto& e = entries_[index];
  e.callback = std::move(callback);
  e.deadline = deadline;
  // A deadline already passed fires on the next advance.
  e.deadline_tick = std::max(tick_of(deadline), current_tick_ + 1);
  e.pending = true;
  link(index);
  ++size_;
  return make_handle(index, e.generation);
}

bool TimerWheel::cancel(std::uint64_t handle) {
  auto index = static_cast<std::uint32_t>(handle & 0xffffffffu);
  auto generation = static_cast<std::uint32_t>(handle >> index_bits);
  if (index >= entries_.size()) return false;
  auto& e = entries_[index];
  if (!e.pending || e.generation != generation) return false;
  unlink(index);
  release(index);
  --size_;
  return true;
}

// False when `limit` stopped it before every due entry of the slot was moved.
bool TimerWheel::expire_slot(std::size_t slot, std::int64_t up_to_tick, std::vector<Expired>& out,
                             std::size_t limit) {
  auto index = slots_[slot];
  while (index != none) {
    auto next = entries_[index].next;
    auto& e = entries_[index];
    if (e.deadline_tick <= up_to_tick) {
      if (out.size() >= limit) return false;
      unlink(index);
      out.push_back(Expired{e.deadline, std::move(e.callback)});
      release(index);
      --size_;
    }
    index = next;
  }
  return true;
}

bool TimerWheel::advance(Clock::time_point now, std::vector<Expired>& out, std::size_t limit) {
  // Deadlines round up to a tick and `now` rounds down, so nothing fires early.
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - origin_).count();
  auto target = elapsed <= 0 ? 0 : elapsed / tick_.count();
  if (target <= current_tick_) return true;
  if (size_ == 0) {
    current_tick_ = target;
    return true;
  }
  // Past one revolution every slot is visited once.
  auto span =
      std::min<std::int64_t>(target - current_tick_, static_cast<std::int64_t>(slots_.size()));
  for (std::int64_t t = current_tick_ + 1; t <= current_tick_ + span; ++t) {
    if (!expire_slot(static_cast<std::size_t>(t) % slots_.size(), target, out, limit)) {
      // Stopped within tick t: the next advance starts there again. Ticks before
      // it are done (a timer scheduled meanwhile lands at t or later).
      current_tick_ = t - 1;
      return false;
    }
  }
  current_tick_ = target;
  return true;
}

}  // namespace chorus
