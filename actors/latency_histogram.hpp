#pragma once
// A lock-free latency histogram: log-linear buckets (8 per power of two, so a
// reported percentile is within 12.5% of the truth) from 1 us to about 70 minutes.
// Recording is one relaxed atomic increment, cheap enough for every timer expiry.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace chorus {

class LatencyHistogram {
 public:
  void record(std::chrono::nanoseconds latency) noexcept;
  // The smallest bucket bound below which `fraction` (0..1] of the samples fall;
  // zero when nothing was recorded.
  std::chrono::microseconds percentile(double fraction) const noexcept;
  std::uint64_t count() const noexcept;

 private:
  static constexpr int sub_buckets = 8;
  static constexpr int powers = 32;
  static constexpr int bucket_count = sub_buckets * powers;
  static int bucket_of(std::uint64_t micros) noexcept;
  static std::uint64_t upper_bound_of(int bucket) noexcept;

  std::array<std::atomic<std::uint64_t>, bucket_count> buckets_{};
};

}  // namespace chorus
