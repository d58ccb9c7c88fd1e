#pragma once
// A hashed timing wheel: O(1) schedule and cancel, and advancing costs only the
// slots that passed. Entries live in a slab with intrusive slot lists, so a
// pending timer is one slab entry and no allocation beyond its callback.
// Not thread-safe: SupervisedTimers guards each wheel with a mutex.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace chorus {

class TimerWheel {
 public:
  using Clock = std::chrono::steady_clock;
  using Callback = std::function<void()>;

  struct Expired {
    Clock::time_point deadline;
    Callback callback;
  };

  explicit TimerWheel(Clock::time_point origin,
                      std::chrono::microseconds tick = std::chrono::milliseconds(1),
                      std::size_t slot_count = 4096);

  // A handle fits in this many low bits (a 32-bit slab index and a 24-bit
  // generation), so that a TimerService may keep its own tag above it.
  static constexpr int handle_bits = 56;

  // Returns a non-zero handle, below 2^handle_bits. A handle names its timer until
  // that timer fires or is cancelled; its slab entry's generation (24 bits,
  // wrapping) keeps a stale handle from cancelling a later timer there, unless
  // the entry was reused exactly 2^24 times in between.
  std::uint64_t schedule(Clock::time_point deadline, Callback callback);
  // False when the handle names no pending timer.
  bool cancel(std::uint64_t handle);

  // Moves the timers whose deadline is at or before `now` to `out`, earliest
  // tick first (in no particular order within a tick), but at most `limit` of
  // them, and advances the wheel as far as it got. True when it caught up with
  // `now`; false when `limit` stopped it with more due: the caller runs what it
  // got and comes back, so that a burst of expiries is dispatched in slices.
  bool advance(Clock::time_point now, std::vector<Expired>& out,
               std::size_t limit = static_cast<std::size_t>(-1));

  // The start of the first tick after the wheel's position whose slot holds a
  // timer: nothing is due before it, so an advance before it has nothing to do.
  // (That slot's timers may all be a revolution or more away: then it is a wasted
  // advance, one per slot and revolution.) Empty when no timer is pending. At
  // most slot_count / 64 words are read.
  std::optional<Clock::time_point> next_occupied() const;

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint32_t none = 0xffffffffu;

  struct Entry {
    Callback callback;
    std::int64_t deadline_tick = 0;
    Clock::time_point deadline;
    std::uint32_t generation = 1;
    std::uint32_t prev = none;
    std::uint32_t next = none;  // also links the free list
    bool pending = false;
  };

  std::int64_t tick_of(Clock::time_point t) const;
  void link(std::uint32_t index);
  void unlink(std::uint32_t index);
  std::uint32_t allocate();
  void release(std::uint32_t index);
  void mark(std::size_t slot, bool occupied);
  std::size_t first_occupied(std::size_t begin, std::size_t end) const;
  bool expire_slot(std::size_t slot, std::int64_t up_to_tick, std::vector<Expired>& out,
                   std::size_t limit);

  Clock::time_point origin_;
  std::chrono::microseconds tick_;
  std::vector<std::uint32_t> slots_;     // head entry per slot
  std::vector<std::uint64_t> occupied_;  // one bit per slot: its list is not empty
  std::vector<Entry> entries_;
  std::uint32_t free_head_ = none;
  std::int64_t current_tick_ = 0;  // every tick up to this one has been expired
  std::size_t size_ = 0;
};

}  // namespace chorus
