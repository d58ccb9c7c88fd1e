#pragma once
// What /metrics says about HTTP: requests by route and status code, and a latency
// histogram, in Prometheus' text exposition format, beside the engine's own gauges
// and counters.

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/engine.hpp"

namespace chorus {

class HttpMetrics {
 public:
  // `route` must name static storage (the route table's labels).
  void record(std::string_view route, unsigned status, std::chrono::nanoseconds latency);
  // Another part of the server's metrics (the WebSocket gateway's), rendered
  // after the HTTP ones. Set up before serving; the source must outlive this.
  void add_section(std::function<void(std::ostream&)> section);
  // The whole exposition: engine metrics, then HTTP metrics, then the sections.
  std::string render(const EngineStats& engine) const;

 private:
  static constexpr std::array<double, 12> bounds_seconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

  mutable std::mutex mutex_;
  std::map<std::pair<std::string_view, unsigned>, std::uint64_t> requests_;
  std::array<std::uint64_t, bounds_seconds.size() + 1> latency_buckets_{};
  double latency_sum_seconds_ = 0;
  std::uint64_t latency_count_ = 0;
  std::vector<std::function<void(std::ostream&)>> sections_;
};

}  // namespace chorus
