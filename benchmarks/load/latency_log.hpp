#pragma once
// Every latency a load client measured, in whole microseconds, and its
// percentiles: each connection or subscriber keeps its own log (no locking on the
// hot path), and the run merges them once at the end.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace chorus::bench {

class LatencyLog {
 public:
  void reserve(std::size_t n) { us_.reserve(n); }
  // Negative latencies (clocks a hair apart) count as zero.
  void add_us(std::int64_t us);
  void add(std::chrono::steady_clock::duration latency);

  // Moves every entry of `logs` into one log, sorted for percentiles.
  static LatencyLog merged(std::vector<LatencyLog>& logs);

  std::size_t size() const { return us_.size(); }
  // Of a merged log; 0 when it is empty. p in [0, 1].
  double percentile_ms(double p) const;
  double max_ms() const;

 private:
  std::vector<std::uint32_t> us_;
};

}  // namespace chorus::bench
