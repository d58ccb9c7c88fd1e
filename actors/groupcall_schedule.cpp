// When a groupcall's branches ring: its schedule (model/ring_schedule.hpp) run on
// one timer. A step starts its undelayed destinations at once and the others as
// their delays pass; a branch past its timeout is ended ring_timeout; the step
// ends when its length has passed or everything it started has ended. After the
// last step comes a repeat, then the ring group's failover, then the end.

#include <algorithm>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>

#include "actors/engine_context.hpp"
#include "actors/groupcall_state.hpp"
#include "actors/line_access.hpp"
#include "actors/state_change.hpp"

namespace chorus::groupcall_detail {

namespace {

using std::chrono::seconds;

time_point after(time_point from, std::int32_t secs) {
  return secs > 0 ? from + seconds(secs) : never;
}

// Makes a prepared branch live: spawns its actor and attaches it to the registry.
Branch& dial(GroupcallSelf self, PreparedBranch& prepared, time_point stop_at) {
  auto& st = self->state();
  bool leg = prepared.call != nullptr;
  Branch branch;
  branch.id = leg ? prepared.call->id : prepared.nested->groupcall->id;
  branch.kind = leg ? ResourceKind::call : ResourceKind::groupcall;
  branch.slot = static_cast<std::uint32_t>(prepared.destination_index);
  branch.round = st.ringing.round;
  branch.stop_at = stop_at;
  st.add(branch);
  ++st.live;
  auto& added = st.branches.back();
  added.actor = spawn_branch(self, prepared);
  // Reachable from the API (and stop()) from now on, not only once it first runs.
  auto owner = caf::actor_cast<caf::strong_actor_ptr>(added.actor);
  if (leg) {
    st.engine->registry.calls.attach(added.id, std::move(owner));
  } else {
    st.engine->registry.groupcalls.attach(added.id, std::move(owner));
  }
  return added;
}

const RingSlot& slot_of(GroupcallSelf self, std::uint32_t index) {
  return self->state().ringing.schedule.slots[index];
}

// Dials slots of the running step now, in one snapshot change.
void dial_slots(GroupcallSelf self, const std::vector<std::uint32_t>& slots, time_point now) {
  auto& st = self->state();
  std::vector<PreparedBranch> prepared;
  prepared.reserve(slots.size());
  for (auto index : slots) {
    prepared.push_back(prepare_branch(*st.engine, *st.groupcall, *st.plan, st.ringing.schedule,
                                      index, st.dial_context));
  }
  for (auto& branch : prepared) {
    dial(self, branch, after(now, slot_of(self, branch.destination_index).timeout));
    ++st.ringing.step_live;
  }
  auto first_index = static_cast<std::int32_t>(slots.front());
  commit_quietly(*st.engine, changed(self, [&](Groupcall& g) {
    if (effective(g.ring_method) != RingMethod::ring_all) g.dial_index = first_index;
    for (auto& branch : prepared) {
      if (branch.call) {
        g.call_ids.push_back(branch.call->id);
      } else {
        g.groupcall_ids.push_back(branch.nested->groupcall->id);
      }
    }
  }));
}

// Starts step `step`: its undelayed slots ring now, the others wait.
void begin_step(GroupcallSelf self, std::uint32_t step, time_point now) {
  auto& r = self->state().ringing;
  r.step = step;
  r.step_started = now;
  r.step_ends = after(now, r.schedule.step_lengths[step]);
  r.step_live = 0;
  r.waiting.clear();
  std::vector<std::uint32_t> due;
  for (std::uint32_t i = 0; i < r.schedule.slots.size(); ++i) {
    auto& slot = r.schedule.slots[i];
    if (slot.step != step) continue;
    (slot.delay > 0 ? r.waiting : due).push_back(i);
  }
  if (!due.empty()) dial_slots(self, due, now);
}

// Dials the waiting slots whose delay has passed.
void start_due(GroupcallSelf self, time_point now) {
  auto& r = self->state().ringing;
  std::vector<std::uint32_t> due;
  auto is_due = [&](std::uint32_t i) {
    return r.step_started + seconds(r.schedule.slots[i].delay) <= now;
  };
  std::copy_if(r.waiting.begin(), r.waiting.end(), std::back_inserter(due), is_due);
  if (due.empty()) return;
  r.waiting.erase(std::remove_if(r.waiting.begin(), r.waiting.end(), is_due), r.waiting.end());
  dial_slots(self, due, now);
}

// Ends the branches whose ring time is up, and with `all` every live one.
void stop_expired(GroupcallSelf self, time_point now, bool all) {
  auto& st = self->state();
  for (auto& b : st.branches) {
    if (!b.live || b.ending || (!all && b.stop_at > now)) continue;
    end_branch(self, b, LegCause::ring_timeout);
  }
}

// The next moment the schedule acts: a delay that ends, a branch's or the step's
// time that runs out.
time_point next_moment(GroupcallSelf self) {
  auto& st = self->state();
  auto& r = st.ringing;
  time_point next = r.draining ? never : r.step_ends;
  for (auto i : r.waiting) {
    next = std::min(next, r.step_started + seconds(r.schedule.slots[i].delay));
  }
  for (auto& b : st.branches) {
    if (b.live && !b.ending) next = std::min(next, b.stop_at);
  }
  return next;
}

void rearm(GroupcallSelf self) {
  auto next = next_moment(self);
  if (next == never) return disarm(self, self->state().ring_timer);
  auto& timer = self->state().ring_timer;
  if (timer.token && timer.deadline == next) return;
  arm(self, timer, GroupcallTimer::ring, next);
}

void take_failover(GroupcallSelf self);

// Nobody answered and nothing rings: repeat the schedule, take the failover, or end.
void exhausted(GroupcallSelf self, time_point now) {
  auto& st = self->state();
  auto& r = st.ringing;
  if (r.phase == Ringing::Phase::schedule && !r.schedule.step_lengths.empty() &&
      r.round < static_cast<std::uint32_t>(std::max(st.groupcall->repeats, 0))) {
    ++r.round;
    r.draining = false;
    begin_step(self, 0, now);
    return rearm(self);
  }
  if (r.phase == Ringing::Phase::schedule && st.plan && st.plan->failover) {
    return take_failover(self);
  }
  finish(self);
}

// Moves through steps that are over; at the end of the last one, ends what still
// rings, then (once nothing does) what comes after the schedule. The timer is set
// again only when the schedule moved: a branch ending early leaves it as it was
// (an expiry with nothing due just sets it again), so that a thousand legs
// ending one by one cost no rescan each.
void advance(GroupcallSelf self, time_point now, bool rescan) {
  auto& st = self->state();
  auto& r = st.ringing;
  if (r.phase != Ringing::Phase::schedule) {
    if (r.phase == Ringing::Phase::failover && !st.any_live()) finish(self);
    return;
  }
  for (;;) {
    const bool last = r.step + 1 >= r.schedule.step_lengths.size();
    const bool own_done = r.waiting.empty() && r.step_live == 0;
    const bool time_up = r.step_ends <= now;
    if (!last) {
      if (!own_done && !time_up) break;
      begin_step(self, r.step + 1, now);
      rescan = true;
      continue;
    }
    if (r.waiting.empty() && !st.any_live()) return exhausted(self, now);
    if (time_up && !r.draining) {
      // What still waits for its delay never rings; what rings is ended. With
      // nothing ringing, the schedule is over now: look again.
      r.draining = true;
      r.waiting.clear();
      stop_expired(self, now, true);
      rescan = true;
      continue;
    }
    break;
  }
  if (rescan || !st.ring_timer.token) rearm(self);
}

void route(GroupcallSelf self, const DialFailover& failover) {
  auto& st = self->state();
  st.ringing.phase = Ringing::Phase::routing;
  auto& g = *st.groupcall;
  st.engine->driver->route(RouteRequest{g.id, g.master_call_id, g.source, failover.taken.dest,
                                        failover.prefix, failover.taken.value,
                                        detail::LineAccess::to<RouteLine>(self)});
}

// Unanswered after the whole schedule (or nobody available): the ring group's
// failover. It is recorded on the groupcall whichever it is.
void take_failover(GroupcallSelf self) {
  auto& st = self->state();
  const DialFailover& failover = *st.plan->failover;
  st.ringing.phase = Ringing::Phase::failover;
  commit_quietly(*st.engine, changed(self, [&](Groupcall& g) { g.failover = failover.taken; }));
  if (!failover.problem.empty()) {
    spdlog::warn("groupcall {}: failover {} {} not taken: {}; ending the call",
                 st.groupcall->id.to_string(), failover.taken.dest, failover.taken.value,
                 failover.problem);
    return finish(self);
  }
  if (failover.routed) return route(self, failover);
  if (!failover.target) return finish(self);  // end_call
  auto prepared = prepare_failover(*st.engine, *st.groupcall, *failover.target, st.dial_context);
  auto now = self->clock().now();
  auto stop = prepared.call
                  ? after(now, st.groupcall->ring_timeout > 0 ? st.groupcall->ring_timeout
                                                              : Groupcall::default_ring_timeout)
                  : never;
  dial(self, prepared, stop);
  commit_quietly(*st.engine, changed(self, [&](Groupcall& g) {
    if (prepared.call) {
      g.call_ids.push_back(prepared.call->id);
    } else {
      g.groupcall_ids.push_back(prepared.nested->groupcall->id);
    }
  }));
  rearm(self);
}

// A plan that needs nothing after the first dial lets go of it: ring_all with no
// delays, repeats or ring group settings (the common case, kept lean).
bool plan_still_needed(const GroupcallState& st) {
  auto& r = st.ringing;
  return r.schedule.step_lengths.size() > 1 || !r.waiting.empty() || st.groupcall->repeats > 0 ||
         st.plan->failover || st.plan->missed_call_ring_group != 0;
}

}  // namespace

void start_schedule(GroupcallSelf self, PreparedGroupcall& prepared) {
  auto& st = self->state();
  auto& r = st.ringing;
  r.schedule = std::move(prepared.schedule);
  auto now = self->clock().now();
  if (r.schedule.step_lengths.empty()) {  // nobody to ring: an extension with no contacts,
    exhausted(self, now);                 // a ring group with nobody available
    return;
  }
  r.step_started = now;
  r.step_ends = after(now, r.schedule.step_lengths[0]);
  // One branch per destination unless the schedule repeats or fails over: an exact
  // size, held while the groupcall rings (per-leg memory).
  st.branches.reserve(r.schedule.slots.size());
  for (auto& branch : prepared.initial) {
    dial(self, branch, after(now, slot_of(self, branch.destination_index).timeout));
    ++r.step_live;
  }
  for (std::uint32_t i = 0; i < r.schedule.slots.size() && r.schedule.slots[i].step == 0; ++i) {
    if (r.schedule.slots[i].delay > 0) r.waiting.push_back(i);
  }
  if (!plan_still_needed(st)) st.plan.reset();
  advance(self, now, true);
}

void on_schedule_timer(GroupcallSelf self) {
  auto& st = self->state();
  auto now = self->clock().now();
  st.engine->ring_timeout_lateness.record(now - st.ring_timer.deadline);
  if (st.ringing.phase == Ringing::Phase::schedule) start_due(self, now);
  stop_expired(self, now, false);
  advance(self, now, true);
}

void on_branch_ended(GroupcallSelf self, const Branch& branch) {
  auto& r = self->state().ringing;
  if (branch.round == r.round && branch.slot < r.schedule.slots.size() &&
      r.schedule.slots[branch.slot].step == r.step && r.step_live > 0) {
    --r.step_live;
  }
  advance(self, self->clock().now(), false);
}

void on_routed(GroupcallSelf self) {
  if (self->state().ringing.phase == Ringing::Phase::routing) finish(self);
}

}  // namespace chorus::groupcall_detail
