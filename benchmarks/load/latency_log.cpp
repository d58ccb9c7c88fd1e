#include "latency_log.hpp"

#include <algorithm>
#include <limits>

namespace chorus::bench {

void LatencyLog::add_us(std::int64_t us) {
  constexpr std::int64_t most = std::numeric_limits<std::uint32_t>::max();
  us_.push_back(static_cast<std::uint32_t>(std::clamp<std::int64_t>(us, 0, most)));
}

void LatencyLog::add(std::chrono::steady_clock::duration latency) {
  add_us(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
}

LatencyLog LatencyLog::merged(std::vector<LatencyLog>& logs) {
  LatencyLog all;
  std::size_t total = 0;
  for (auto& log : logs) total += log.us_.size();
  all.us_.reserve(total);
  for (auto& log : logs) {
    all.us_.insert(all.us_.end(), log.us_.begin(), log.us_.end());
    std::vector<std::uint32_t>().swap(log.us_);
  }
  std::sort(all.us_.begin(), all.us_.end());
  return all;
}

double LatencyLog::percentile_ms(double p) const {
  if (us_.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(us_.size() - 1) + 0.5);
  return us_[std::min(index, us_.size() - 1)] / 1000.0;
}

double LatencyLog::max_ms() const {
  return us_.empty() ? 0 : us_.back() / 1000.0;
}

}  // namespace chorus::bench
