#pragma once
// How chorusd shares the machine's cores between its HTTP/WebSocket I/O threads
// and the engine's CAF workers when the flags leave either open.
//
// The two pools together match the cores: half for I/O, the rest for the engine.
// Oversubscribing costs more than it buys: on 2 cores, 2 I/O threads beside 2
// workers made 11-12k REST creations/s at p99 8-9 ms; 1 beside 1 made 15k/s at
// p99 4-5 ms (benchmarks/run_rest_benchmarks.sh's load, 2026-11-30).

#include <cstddef>

namespace chorus {

struct ThreadCounts {
  std::size_t io = 0;
  std::size_t workers = 0;
};

// `io` and `workers` as configured (0 = open); `cores` as the machine reports
// (0 = unknown, taken as 1). A configured count is kept as it is.
ThreadCounts settle_thread_counts(std::size_t io, std::size_t workers, std::size_t cores);

}  // namespace chorus
