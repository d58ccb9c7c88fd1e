#include "actors/latency_histogram.hpp"

namespace chorus {

namespace {

int highest_bit(std::uint64_t x) {
  return 63 - __builtin_clzll(x);
}

}  // namespace

int LatencyHistogram::bucket_of(std::uint64_t micros) noexcept {
  if (micros < sub_buckets) return static_cast<int>(micros);
  auto power = highest_bit(micros);  // >= 3
  auto sub = static_cast<int>((micros >> (power - 3)) & (sub_buckets - 1));
  auto bucket = (power - 2) * sub_buckets + sub;
  return bucket < bucket_count ? bucket : bucket_count - 1;
}

std::uint64_t LatencyHistogram::upper_bound_of(int bucket) noexcept {
  if (bucket < sub_buckets) return static_cast<std::uint64_t>(bucket) + 1;
  auto power = bucket / sub_buckets + 2;
  auto sub = static_cast<std::uint64_t>(bucket % sub_buckets);
  return ((sub_buckets + sub + 1) << (power - 3));
}

void LatencyHistogram::record(std::chrono::nanoseconds latency) noexcept {
  auto micros = latency.count() <= 0 ? 0 : static_cast<std::uint64_t>(latency.count() / 1000);
  buckets_[bucket_of(micros)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t LatencyHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (auto& b : buckets_) total += b.load(std::memory_order_relaxed);
  return total;
}

std::chrono::microseconds LatencyHistogram::percentile(double fraction) const noexcept {
  auto total = count();
  if (total == 0) return std::chrono::microseconds(0);
  auto wanted = static_cast<std::uint64_t>(fraction * static_cast<double>(total) + 0.5);
  if (wanted == 0) wanted = 1;
  std::uint64_t seen = 0;
  for (int i = 0; i < bucket_count; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= wanted) return std::chrono::microseconds(upper_bound_of(i));
  }
  return std::chrono::microseconds(upper_bound_of(bucket_count - 1));
}

}  // namespace chorus
