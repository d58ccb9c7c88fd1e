#pragma once
// Engine options for the tests that run the engine on real threads (not the
// deterministic test coordinator): two workers, and a store retried every 20 ms so
// that a test injecting store faults sees the retry promptly.

#include "config/engine_options.hpp"

namespace chorus::test {

inline EngineOptions threaded_options() {
  EngineOptions options;
  options.worker_threads = 2;
  options.store.retry_ms = 20;
  return options;
}

}  // namespace chorus::test
