#pragma once
// The engine's tunables and their defaults. chorusd fills these from its config
// file and flags; an embedding softswitch sets them in code.

#include <cstddef>

#include "config/store_options.hpp"

namespace chorus {

struct EngineOptions {
  // CAF scheduler threads; 0 = one per core.
  std::size_t worker_threads = 0;
  // Supervisor shards (each owns a timer wheel); 0 = one per worker thread.
  std::size_t supervisor_shards = 0;
  // Destinations one groupcall (or nested groupcall) may ring.
  std::size_t max_destinations = 1000;
  // Levels of nested groupcalls below the top one.
  int max_nesting_depth = 4;
  // Without a store: ended top-level groupcalls (with their calls) kept readable
  // in memory; the oldest are forgotten past this. With a store, memory holds
  // live resources only and history is read from the store.
  std::size_t retained_groupcalls = 20000;
  // ...and at most this many of their calls, so that history costs memory by
  // legs, not by groupcalls: 20,000 groupcalls of 1,000 legs each would not fit.
  std::size_t retained_calls = 200000;
  // How long stop() waits for live calls to hang up before forcing them down.
  std::size_t stop_timeout_ms = 5000;
  // Runs every actor on the caller's thread under CAF's deterministic test
  // scheduler, with virtual time. For tests only.
  bool deterministic = false;
  // The durable store's writer: retention, retries. Used when the engine is
  // given a store.
  StoreOptions store;
};

}  // namespace chorus
