#pragma once
// A leg driver for the race runs: it plays no far end by itself, keeps the line of
// every leg dialled since the last clear() (so that a run can report on any of
// them), and counts how often the engine released each leg (cancel or hangup),
// which must be at most once. Unlike ScriptedDriver it forgets everything between
// runs, so a million runs in one engine stay in constant memory.

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "actors/leg_driver.hpp"

namespace chorus::test {

class RaceDriver final : public LegDriver {
 public:
  void dial(const DialRequest& request) override {
    std::lock_guard<std::mutex> guard(mutex_);
    lines_.emplace(request.call.id, request.line);
    dialled_.push_back(request.call.id);
  }
  void cancel(const Uuid& call_id, LegCause) override { released(call_id); }
  void hangup(const Uuid& call_id, LegCause) override { released(call_id); }

  // What the far end of `call_id` does; false when the leg has already ended.
  bool report(const Uuid& call_id, LegReport report) const {
    LegLine line;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto i = lines_.find(call_id);
      if (i == lines_.end()) return false;
      line = i->second;
    }
    return line.report(report);
  }

  // The legs dialled since the last clear(), in dialling order.
  std::vector<Uuid> dialled() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return dialled_;
  }
  std::size_t releases(const Uuid& call_id) const {
    std::lock_guard<std::mutex> guard(mutex_);
    auto i = releases_.find(call_id);
    return i == releases_.end() ? 0 : i->second;
  }

  void clear() {
    std::lock_guard<std::mutex> guard(mutex_);
    lines_.clear();
    dialled_.clear();
    releases_.clear();
  }

 private:
  void released(const Uuid& call_id) {
    std::lock_guard<std::mutex> guard(mutex_);
    ++releases_[call_id];
  }

  mutable std::mutex mutex_;
  std::unordered_map<Uuid, LegLine> lines_;
  std::vector<Uuid> dialled_;
  std::unordered_map<Uuid, std::size_t> releases_;
};

}  // namespace chorus::test
