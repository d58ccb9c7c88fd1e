#pragma once
// At most `limit` requests awaiting their answer: enter() blocks the issuing
// thread while the window is full, leave() (from any thread, e.g. an engine
// callback) frees a place. How a benchmark keeps asynchronous creations bounded
// instead of queueing a whole batch at once.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace chorus::bench {

class InFlightWindow {
 public:
  explicit InFlightWindow(std::size_t limit) : limit_(limit) {}

  void enter() {
    std::unique_lock<std::mutex> lock(mutex_);
    freed_.wait(lock, [&] { return in_flight_ < limit_; });
    ++in_flight_;
  }

  // `failure`, when set, is kept (the first one only) for the benchmark to report.
  void leave(const std::string* failure = nullptr) {
    std::lock_guard<std::mutex> guard(mutex_);
    --in_flight_;
    if (failure && !first_failure_) first_failure_ = *failure;
    // Only the waiters' conditions can change: the window just stopped being
    // full, or just emptied. Every other answer wakes nobody.
    if (in_flight_ + 1 == limit_ || in_flight_ == 0) freed_.notify_all();
  }

  // Blocks until every request entered has been answered.
  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    freed_.wait(lock, [&] { return in_flight_ == 0; });
  }

  std::optional<std::string> first_failure() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return first_failure_;
  }

 private:
  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t in_flight_ = 0;
  std::optional<std::string> first_failure_;
};

}  // namespace chorus::bench
