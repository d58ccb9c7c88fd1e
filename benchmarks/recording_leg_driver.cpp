#include "benchmarks/recording_leg_driver.hpp"

namespace chorus::bench {

void RecordingLegDriver::dial(const DialRequest& request) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    legs_[request.call.id] = Leg{request.line, request.call.groupcall_id};
  }
  request.line.report(LegReport::ringing);
}

void RecordingLegDriver::cancel(const Uuid& call_id, LegCause cause) {
  auto now = Clock::now();
  std::lock_guard<std::mutex> guard(mutex_);
  auto leg = legs_.find(call_id);
  if (leg == legs_.end()) return;
  if (cause == LegCause::answered_elsewhere) {
    auto& g = groupcalls_[leg->second.groupcall_id];
    g.last_cancel = std::max(g.last_cancel, now);
    ++g.cancels;
  }
}

void RecordingLegDriver::hangup(const Uuid&, LegCause) {}

bool RecordingLegDriver::owns(const Uuid& call_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  return legs_.count(call_id) != 0;
}

std::size_t RecordingLegDriver::dialled() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return legs_.size();
}

void RecordingLegDriver::report(const Uuid& call_id, LegReport report) {
  LegLine line;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto leg = legs_.find(call_id);
    if (leg == legs_.end()) return;
    line = leg->second.line;
    if (report == LegReport::answered)
      groupcalls_[leg->second.groupcall_id].answered = Clock::now();
  }
  line.report(report);
}

std::vector<std::chrono::nanoseconds> RecordingLegDriver::answer_to_last_cancel(
    std::size_t expected_cancels) const {
  std::vector<std::chrono::nanoseconds> result;
  std::lock_guard<std::mutex> guard(mutex_);
  for (auto& [id, g] : groupcalls_) {
    if (g.answered != Clock::time_point{} && g.cancels == expected_cancels) {
      result.push_back(g.last_cancel - g.answered);
    }
  }
  return result;
}

void SplitLegDriver::dial(const DialRequest& request) {
  std::string_view target = request.call.destination.target;
  bool recorded = target.find("@rec") != std::string_view::npos;
  (recorded ? static_cast<LegDriver&>(*recording_) : *simulated_).dial(request);
}

void SplitLegDriver::cancel(const Uuid& call_id, LegCause cause) {
  (recording_->owns(call_id) ? static_cast<LegDriver&>(*recording_) : *simulated_)
      .cancel(call_id, cause);
}

void SplitLegDriver::hangup(const Uuid& call_id, LegCause cause) {
  (recording_->owns(call_id) ? static_cast<LegDriver&>(*recording_) : *simulated_)
      .hangup(call_id, cause);
}

}  // namespace chorus::bench
