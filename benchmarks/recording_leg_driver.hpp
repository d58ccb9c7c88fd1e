#pragma once
// Leg drivers for the scale run. RecordingLegDriver rings every leg at once and
// lets the program answer a chosen leg, recording when each groupcall's answer
// was reported and when each of its other legs was cancelled. SplitLegDriver
// sends "...@rec" targets to the recorder and everything else to the simulator,
// so the bulk of ringing legs carries no recording state at all.

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "actors/leg_driver.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace chorus::bench {

class RecordingLegDriver final : public LegDriver {
 public:
  using Clock = std::chrono::steady_clock;

  void dial(const DialRequest& request) override;
  void cancel(const Uuid& call_id, LegCause cause) override;
  void hangup(const Uuid& call_id, LegCause cause) override;

  bool owns(const Uuid& call_id) const;
  std::size_t dialled() const;
  // Reports `report` on leg `call_id`; answers stamp the groupcall's answer time.
  void report(const Uuid& call_id, LegReport report);
  // Per groupcall answered through report(): last answered_elsewhere cancel minus
  // the answer; only groupcalls whose expected cancels all arrived.
  std::vector<std::chrono::nanoseconds> answer_to_last_cancel(std::size_t expected_cancels) const;

 private:
  struct Leg {
    LegLine line;
    Uuid groupcall_id;
  };
  struct Groupcall {
    Clock::time_point answered{};
    Clock::time_point last_cancel{};
    std::size_t cancels = 0;
  };
  mutable std::mutex mutex_;
  std::unordered_map<Uuid, Leg> legs_;
  std::unordered_map<Uuid, Groupcall> groupcalls_;
};

class SplitLegDriver final : public LegDriver {
 public:
  SplitLegDriver(std::shared_ptr<SimulatedLegDriver> simulated,
                 std::shared_ptr<RecordingLegDriver> recording)
      : simulated_(std::move(simulated)), recording_(std::move(recording)) {}

  void start(TimerService& timers) override { simulated_->start(timers); }
  void stop() override { simulated_->stop(); }
  void dial(const DialRequest& request) override;
  void cancel(const Uuid& call_id, LegCause cause) override;
  void hangup(const Uuid& call_id, LegCause cause) override;

 private:
  std::shared_ptr<SimulatedLegDriver> simulated_;
  std::shared_ptr<RecordingLegDriver> recording_;
};

}  // namespace chorus::bench
