#pragma once
// The engine's one timer service. Ring and answer timers, and the simulated
// driver's timers, all live in a few hashed timing wheels driven by the supervisor
// actors, so a million pending timers cost a few dozen bytes each and no thread or
// CAF clock entry apiece. Part of the public embedding API: a leg driver may use it.

#include <chrono>
#include <cstdint>
#include <functional>

namespace chorus {

class TimerService {
 public:
  using Callback = std::function<void()>;

  // Names one pending timer; a default-constructed token names none.
  struct Token {
    std::uint64_t value = 0;
    explicit operator bool() const noexcept { return value != 0; }
  };

  virtual ~TimerService() = default;

  // Runs `callback` once, `delay` from now (rounded up to the wheel's 1 ms tick),
  // on an engine thread. Callbacks must be short and must not block: send a
  // message, report to a leg line. Safe from any thread.
  virtual Token schedule(std::chrono::microseconds delay, Callback callback) = 0;

  // Cancels a pending timer; false when it already ran or was cancelled. A
  // cancelled callback is destroyed without running. Safe from any thread.
  virtual bool cancel(Token token) = 0;
};

}  // namespace chorus
