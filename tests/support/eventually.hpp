#pragma once
// Bounded polling, for states a test can only observe by asking again (a GET, a
// /metrics scrape): the condition every `period` until it holds or time runs out.

#include <chrono>
#include <functional>
#include <thread>

namespace chorus::test {

// Whether `condition` held within `timeout` (it is asked at least once).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5),
                       std::chrono::milliseconds period = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(period);
  }
}

}  // namespace chorus::test
