#include "transport/simulated_leg_driver.hpp"

#include <spdlog/spdlog.h>

namespace chorus {

namespace {

std::vector<std::pair<std::chrono::milliseconds, LegReport>> steps_of(const SimulatedScript& s) {
  std::vector<std::pair<std::chrono::milliseconds, LegReport>> steps;
  steps.emplace_back(s.ring, LegReport::ringing);
  if (s.outcome) {
    steps.emplace_back(s.outcome_after, *s.outcome);
    if (*s.outcome == LegReport::answered && s.hangup_after) {
      steps.emplace_back(*s.hangup_after, LegReport::remote_hangup);
    }
  }
  return steps;
}

}  // namespace

void SimulatedLegDriver::start(TimerService& timers) { timers_ = &timers; }

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
  std::vector<Step> steps;
  for (auto& [delay, report] : steps_of(*script)) steps.push_back(Step{delay, report});
  play(request.call.id, request.line, std::move(steps), 0);
}

void SimulatedLegDriver::play(const Uuid& call_id, LegLine line, std::vector<Step> steps,
                              std::size_t next) {
  // Zero delays are reported at once, in order, without touching a timer.
  while (next < steps.size() && steps[next].delay.count() == 0) {
    if (!line.report(steps[next].report)) return;  // the leg has ended
    ++next;
  }
  if (next == steps.size()) return;
  auto delay = steps[next].delay;
  auto& shard = shard_for(call_id);
  std::lock_guard<std::mutex> guard(shard.mutex);
  auto& leg = shard.legs[call_id];
  leg.line = std::move(line);
  leg.steps = std::move(steps);
  leg.next = next;
  leg.timer = timers_->schedule(delay, [this, call_id] { on_timer(call_id); });
}

void SimulatedLegDriver::on_timer(const Uuid& call_id) {
  LegLine line;
  std::vector<Step> steps;
  std::size_t next = 0;
  {
    auto& shard = shard_for(call_id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    auto i = shard.legs.find(call_id);
    if (i == shard.legs.end()) return;  // cancelled meanwhile
    line = std::move(i->second.line);
    steps = std::move(i->second.steps);
    next = i->second.next;
    shard.legs.erase(i);
  }
  if (!line.report(steps[next].report)) return;
  play(call_id, std::move(line), std::move(steps), next + 1);
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

std::size_t SimulatedLegDriver::pending() const {
  std::size_t total = 0;
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> guard(shard.mutex);
    total += shard.legs.size();
  }
  return total;
}

}  // namespace chorus
