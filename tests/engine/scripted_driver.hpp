#pragma once
// A leg driver for tests that want to decide, message by message, what the far
// end does. It records every dial (with the leg's LegLine and target), cancel and
// hangup the engine asks for, and lets the test report(call_id, LegReport) at any
// moment. A dial whose target contains "throw" throws from dial(), which kills the
// leg's actor (the supervisor must reap it). Bridge joins and leaves are confirmed
// at once, unless hold_bridges() keeps them for the test to confirm(). Thread-safe,
// so the threaded engine can use it too.

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/leg_driver.hpp"

namespace chorus::test {

class ScriptedDriver final : public LegDriver {
 public:
  struct Dialled {
    Uuid call_id;
    Uuid groupcall_id;
    std::string target;
    std::string alert_info;
    std::string sdp_offer;
    LegLine line;
  };
  struct Released {
    Uuid call_id;
    LegCause cause;
  };

  void start(TimerService&) override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++starts_;
  }
  void stop() override {
    std::lock_guard<std::mutex> guard(mutex_);
    ++stops_;
  }

  void dial(const DialRequest& request) override {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      dials_.push_back(
          Dialled{request.call.id, request.call.groupcall_id, request.call.destination.target.str(),
                  std::string(request.alert_info), std::string(request.sdp_offer), request.line});
      lines_[request.call.id] = request.line;
    }
    if (request.call.destination.target.view().find("throw") != std::string_view::npos) {
      throw std::runtime_error("scripted driver: dial of " + request.call.destination.target.str() +
                               " throws");
    }
  }

  // Destinations whose target contains `text` cannot be dialled (can_dial refuses).
  void refuse_targets_with(std::string text) {
    std::lock_guard<std::mutex> guard(mutex_);
    refused_ = std::move(text);
  }
  Status can_dial(const Address& destination, std::string_view field) const override {
    std::lock_guard<std::mutex> guard(mutex_);
    if (refused_.empty() || destination.target.view().find(refused_) == std::string_view::npos) {
      return {};
    }
    return Error::invalid(std::string(field),
                          "the scripted driver cannot reach " + destination.target.str());
  }

  void cancel(const Uuid& call_id, LegCause cause) override {
    std::lock_guard<std::mutex> guard(mutex_);
    cancels_.push_back(Released{call_id, cause});
  }

  void hangup(const Uuid& call_id, LegCause cause) override {
    std::lock_guard<std::mutex> guard(mutex_);
    hangups_.push_back(Released{call_id, cause});
  }

  // A routing instruction: recorded, and completed at once.
  struct Routed {
    Uuid groupcall_id;
    std::string dest;
    std::string prefix;
    std::string value;
  };
  void route(const RouteRequest& request) override {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      routes_.push_back(Routed{request.groupcall_id, std::string(request.dest),
                               std::string(request.prefix), std::string(request.value)});
    }
    request.line.complete();
  }
  std::vector<Routed> routes() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return routes_;
  }

  void join_bridge(const BridgeRequest& request) override { bridge(request, BridgeReport::joined); }
  void leave_bridge(const BridgeRequest& request) override { bridge(request, BridgeReport::left); }

  // From now on, bridge moves wait for confirm().
  void hold_bridges() {
    std::lock_guard<std::mutex> guard(mutex_);
    hold_bridges_ = true;
  }
  // Confirms the held move of participant `conferencecall_id`; false when none is held
  // or the participant has ended.
  bool confirm(const Uuid& conferencecall_id, BridgeReport report) {
    BridgeLine line;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto i = held_.find({conferencecall_id, report});
      if (i == held_.end()) return false;
      line = i->second;
      held_.erase(i);
    }
    return line.confirm(report);
  }
  std::size_t bridge_moves(BridgeReport report) const {
    std::lock_guard<std::mutex> guard(mutex_);
    return report == BridgeReport::joined ? joins_ : leaves_;
  }

  // What the far end of `call_id` does; false when the engine no longer cares
  // (the leg ended) or the call was never dialled.
  bool report(const Uuid& call_id, LegReport report) {
    LegLine line;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto i = lines_.find(call_id);
      if (i == lines_.end()) return false;
      line = i->second;
    }
    return line.report(report);
  }
  // An answer carrying the far end's SDP.
  bool answer_with_sdp(const Uuid& call_id, std::string sdp) {
    LegLine line;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto i = lines_.find(call_id);
      if (i == lines_.end()) return false;
      line = i->second;
    }
    return line.answered(std::move(sdp));
  }

  std::vector<Dialled> dials() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return dials_;
  }
  std::size_t dial_count() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return dials_.size();
  }
  std::vector<std::string> dialled_targets() const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<std::string> targets;
    for (auto& d : dials_) targets.push_back(d.target);
    return targets;
  }
  bool dialled(const Uuid& call_id) const {
    std::lock_guard<std::mutex> guard(mutex_);
    return lines_.count(call_id) != 0;
  }
  // The call id of the (first) dial of `target`.
  std::optional<Uuid> call_for(const std::string& target) const {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto& d : dials_) {
      if (d.target == target) return d.call_id;
    }
    return std::nullopt;
  }

  std::vector<Released> cancels() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return cancels_;
  }
  std::vector<Released> hangups() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return hangups_;
  }
  // Every cause the engine cancelled `call_id` with, in order.
  std::vector<LegCause> cancel_causes(const Uuid& call_id) const {
    return causes(cancels(), call_id);
  }
  std::vector<LegCause> hangup_causes(const Uuid& call_id) const {
    return causes(hangups(), call_id);
  }
  int starts() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return starts_;
  }
  int stops() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return stops_;
  }

 private:
  void bridge(const BridgeRequest& request, BridgeReport report) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      ++(report == BridgeReport::joined ? joins_ : leaves_);
      if (hold_bridges_) {
        held_[{request.conferencecall_id, report}] = request.line;
        return;
      }
    }
    request.line.confirm(report);
  }

  static std::vector<LegCause> causes(const std::vector<Released>& all, const Uuid& call_id) {
    std::vector<LegCause> result;
    for (auto& r : all) {
      if (r.call_id == call_id) result.push_back(r.cause);
    }
    return result;
  }

  std::string refused_;
  mutable std::mutex mutex_;
  std::vector<Dialled> dials_;
  std::unordered_map<Uuid, LegLine> lines_;
  bool hold_bridges_ = false;
  std::map<std::pair<Uuid, BridgeReport>, BridgeLine> held_;
  std::size_t joins_ = 0;
  std::size_t leaves_ = 0;
  std::vector<Released> cancels_;
  std::vector<Released> hangups_;
  std::vector<Routed> routes_;
  int starts_ = 0;
  int stops_ = 0;
};

}  // namespace chorus::test
