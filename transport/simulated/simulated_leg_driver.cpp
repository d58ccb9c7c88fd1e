#include "transport/simulated/simulated_leg_driver.hpp"

#include <optional>

#include <spdlog/spdlog.h>

namespace chorus {

namespace {

struct Step {
  std::chrono::milliseconds delay;
  LegReport report;
};

// Step `i` of a script: ringing, then the outcome, then (after an answer) the
// callee's hangup.
std::optional<Step> step(const SimulatedScript& s, std::uint8_t i) {
  if (i == 0) return Step{s.ring, LegReport::ringing};
  if (!s.outcome) return std::nullopt;
  if (i == 1) return Step{s.outcome_after, *s.outcome};
  if (i == 2 && *s.outcome == LegReport::answered && s.hangup_after) {
    return Step{*s.hangup_after, LegReport::remote_hangup};
  }
  return std::nullopt;
}

}  // namespace

void SimulatedLegDriver::start(TimerService& timers) {
  timers_ = &timers;
}

void SimulatedLegDriver::stop() {
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    for (auto& [id, leg] : shard.legs) timers_->cancel(leg.timer);
    shard.legs.clear();
  }
}

void SimulatedLegDriver::dial(const DialRequest& request) {
  dials_.fetch_add(1, std::memory_order_relaxed);
  auto script = parse_simulated_script(request.call.destination.target);
  if (!script) {
    spdlog::warn("call {}: {}; reporting failure", request.call.id.to_string(),
                 script.error().message);
    request.line.report(LegReport::failed);
    return;
  }
  play(request.call.id, request.line, *script, 0);
}

void SimulatedLegDriver::play(const Uuid& call_id, LegLine line, const SimulatedScript& script,
                              std::uint8_t next) {
  // Zero delays are reported at once, in order, without touching a timer; a leg
  // with nothing left to come holds no state.
  auto due = step(script, next);
  while (due && due->delay.count() == 0) {
    if (!line.report(due->report)) return;  // the leg has ended
    due = step(script, ++next);
  }
  if (!due) return;
  auto& shard = shard_for(call_id);
  std::lock_guard<std::mutex> guard(shard.mutex);
  auto& leg = shard.legs[call_id];
  leg.line = std::move(line);
  leg.script = script;
  leg.next = next;
  leg.timer = timers_->schedule(due->delay, [this, call_id] { on_timer(call_id); });
}

void SimulatedLegDriver::on_timer(const Uuid& call_id) {
  Leg leg;
  {
    auto& shard = shard_for(call_id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    auto i = shard.legs.find(call_id);
    if (i == shard.legs.end()) return;  // cancelled meanwhile
    leg = std::move(i->second);
    shard.legs.erase(i);
  }
  if (!leg.line.report(step(leg.script, leg.next)->report)) return;
  play(call_id, std::move(leg.line), leg.script, static_cast<std::uint8_t>(leg.next + 1));
}

void SimulatedLegDriver::forget(const Uuid& call_id) {
  auto& shard = shard_for(call_id);
  std::lock_guard<std::mutex> guard(shard.mutex);
  auto i = shard.legs.find(call_id);
  if (i == shard.legs.end()) return;
  timers_->cancel(i->second.timer);
  shard.legs.erase(i);
}

void SimulatedLegDriver::cancel(const Uuid& call_id, LegCause) {
  cancels_.fetch_add(1, std::memory_order_relaxed);
  forget(call_id);
}

void SimulatedLegDriver::hangup(const Uuid& call_id, LegCause) {
  hangups_.fetch_add(1, std::memory_order_relaxed);
  forget(call_id);
}

void SimulatedLegDriver::confirm_later(BridgeLine line, BridgeReport report) {
  if (bridge_delay_.count() == 0 || !timers_) {
    line.confirm(report);
    return;
  }
  timers_->schedule(bridge_delay_, [line = std::move(line), report] { line.confirm(report); });
}

void SimulatedLegDriver::join_bridge(const BridgeRequest& request) {
  confirm_later(request.line, BridgeReport::joined);
}

void SimulatedLegDriver::leave_bridge(const BridgeRequest& request) {
  confirm_later(request.line, BridgeReport::left);
}

void SimulatedLegDriver::route(const RouteRequest& request) {
  {
    std::lock_guard<std::mutex> guard(routed_mutex_);
    if (routed_.size() == max_routed) routed_.pop_front();
    routed_.push_back(Routed{request.groupcall_id, request.master_call_id,
                             std::string(request.dest), std::string(request.prefix),
                             std::string(request.value)});
  }
  auto line = request.line;
  if (bridge_delay_.count() == 0 || !timers_) {
    line.complete();
    return;
  }
  timers_->schedule(bridge_delay_, [line = std::move(line)] { line.complete(); });
}

std::vector<SimulatedLegDriver::Routed> SimulatedLegDriver::routed() const {
  std::lock_guard<std::mutex> guard(routed_mutex_);
  return {routed_.begin(), routed_.end()};
}

std::size_t SimulatedLegDriver::pending() const {
  std::size_t total = 0;
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    total += shard.legs.size();
  }
  return total;
}

}  // namespace chorus
