#include "actors/groupcall_actor.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/call_leg.hpp"
#include "actors/conference_actor.hpp"
#include "actors/deletion.hpp"
#include "actors/engine_context.hpp"
#include "actors/groupcall_state.hpp"
#include "actors/missed_calls.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/transitions.hpp"

namespace chorus {
namespace groupcall_detail {

// What each groupcall costs in jemalloc's classes: 1,024 for its actor, 320 for its state.
static_assert(sizeof(caf::actor_storage<GroupcallActor>) <= 1024,
              "the groupcall's actor outgrew jemalloc's 1,024-byte class");
static_assert(sizeof(GroupcallState) <= 320,
              "the groupcall's state outgrew jemalloc's 320-byte class");

void arm(GroupcallSelf self, Timer& timer, GroupcallTimer kind, time_point deadline) {
  auto& timers = self->state().engine->timers;
  timers.cancel(timer.token);
  auto generation = ++timer.generation;
  timer.deadline = deadline;
  auto delay = std::chrono::duration_cast<std::chrono::microseconds>(
      std::max(deadline - self->clock().now(), time_point::duration::zero()));
  // A weak reference: a pending timer never keeps an ended groupcall alive.
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  timer.token = timers.schedule(delay, [weak, kind, generation] {
    if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(weak)) {
      worker_send(caf::actor_cast<groupcall_actor>(strong), timeout_atom::value, kind, generation);
    }
  });
}

void disarm(GroupcallSelf self, Timer& timer) {
  self->state().engine->timers.cancel(timer.token);
  timer.token = {};
  ++timer.generation;  // an expiry already in the mailbox is now stale
}

namespace {

// An extension rung as a ring group's member that did not win: a missed call.
void record_missed(GroupcallSelf self) {
  auto& st = self->state();
  if (!st.plan || st.plan->missed_call_ring_group == 0 || st.answer == BranchAnswer::won) return;
  MissedCall missed;
  missed.id = Uuid::generate();
  missed.customer_id = st.groupcall->customer_id;
  missed.extension_id = st.plan->owner_id;
  missed.ring_group_id = st.plan->missed_call_ring_group;
  missed.groupcall_id = st.groupcall->id;
  missed.master_call_id = st.groupcall->master_call_id;
  missed.source = st.groupcall->source;
  missed.tm_create = st.engine->clock.creation_time();
  record_missed_call(*st.engine, std::move(missed));
}

}  // namespace

// The groupcall has ended: commit, tell the parent, quit.
void finish(GroupcallSelf self) {
  auto& st = self->state();
  disarm(self, st.ring_timer);
  disarm(self, st.answer_timer);
  if (auto status = check_transition(st.groupcall->status, GroupcallStatus::hangup); !status) {
    return;
  }
  auto snapshot = changed(self, [](Groupcall& g) { g.status = GroupcallStatus::hangup; });
  commit(*st.engine, EventType::groupcall_hangup, snapshot);
  record_missed(self);
  if (!st.deletions.empty()) {
    snapshot = delete_groupcall(*st.engine, snapshot);
    for (auto& reply : st.deletions) reply(*snapshot);
  }
  if (st.parent) {
    auto reason = st.answer == BranchAnswer::won ? HangupReason::normal : st.last_reason;
    self->send(st.parent, ended_atom::value, ResourceKind::groupcall, snapshot->id, reason);
  } else {
    retire(*st.engine, snapshot->id);
  }
  self->quit();
}

void end_branch(GroupcallSelf self, Branch& branch, LegCause cause) {
  branch.ending = true;
  self->send(branch.actor, hangup_atom::value, cause);
}

namespace {

// Ends every live branch for `cause`; the groupcall ends when the last one has. A
// winner whose verdict is pending keeps going until the verdict says how it ends.
void hang_up(GroupcallSelf self, LegCause cause) {
  auto& st = self->state();
  if (st.groupcall->status == GroupcallStatus::progressing) {
    disarm(self, st.ring_timer);
    disarm(self, st.answer_timer);
    if (!st.any_live()) return finish(self);
    commit_quietly(*st.engine,
                   changed(self, [](Groupcall& g) { g.status = GroupcallStatus::hangingup; }));
  }
  auto* waiting = st.answer == BranchAnswer::pending ? st.winner() : nullptr;
  for (auto& b : st.branches) {
    if (!b.live || b.ending) continue;
    if (&b == waiting) {
      st.winner_hangup = cause;
      continue;
    }
    end_branch(self, b, cause);
  }
}

// The winning leg joins the groupcall's conference. It heard that it won before
// the conference asks for its seat (both come to its mailbox in that order). A
// conference another node of a cluster runs is asked through the peers, and asks
// back for the seat. A refused join leaves the call as it is, answered, and is
// logged.
void join_winner(GroupcallSelf self, const Uuid& call_id) {
  auto& engine = *self->state().engine;
  auto& g = *self->state().groupcall;
  auto refused = [groupcall_id = g.id, call_id](Result<Conferencecall> joined) {
    if (joined) return;
    spdlog::warn("groupcall {}: its winner {} did not join its conference: {}",
                 groupcall_id.to_string(), call_id.to_string(), joined.error().message);
  };
  auto peers = engine.peers();
  if (peers && !engine.registry.conferences.actor(g.conference_id)) {
    return peers->join(RemoteJoin{g.customer_id, g.conference_id, call_id}, std::move(refused));
  }
  join_conference(engine, g.customer_id, g.conference_id, call_id, Seat::here, std::move(refused));
}

// The groupcall's answer was taken for good (by its parent, or at once at the
// top): its winner has won, and a hangup that waited for this goes ahead.
void on_won(GroupcallSelf self) {
  auto& st = self->state();
  if (st.answer != BranchAnswer::pending) return;
  st.answer = BranchAnswer::won;
  auto* winner = st.winner();
  if (!winner || !winner->live || winner->ending) return;
  self->send(winner->actor, won_atom::value);
  if (winner->kind == ResourceKind::call && !st.groupcall->conference_id.is_zero()) {
    join_winner(self, winner->id);
  }
  if (st.winner_hangup) end_branch(self, *winner, *st.winner_hangup);
}

// Its parent (or the supervisor, or the engine's stop) ends it. Before it heard
// that its answer won, this is the verdict: the answer was not taken.
void on_parent_hangup(GroupcallSelf self, LegCause cause) {
  auto& st = self->state();
  if (st.answer == BranchAnswer::pending) st.answer = BranchAnswer::late;
  hang_up(self, cause);
}

// An answer the groupcall does not take. A branch already told to end learns so
// from that hangup (its answer was late, so it ends cancel); any other is ended now.
// Logged at debug: under a burst of hangups, answers crossing them are routine.
void late_answer(GroupcallSelf self, Branch& branch) {
  auto& st = self->state();
  spdlog::debug("groupcall {}: late answer from {} {}, hanging it up", st.groupcall->id.to_string(),
                to_string(branch.kind), branch.id.to_string());
  if (!branch.ending) end_branch(self, branch, LegCause::answered_elsewhere);
}

void on_answered(GroupcallSelf self, ResourceKind kind, const Uuid& id) {
  auto& st = self->state();
  auto* branch = st.find(id);
  if (!branch || !branch->live) return;
  // An answer that crossed our request to end the branch (a ring timeout, a
  // hangup) is late too: that branch cannot win.
  if (branch->ending || !st.takes_answers()) return late_answer(self, *branch);
  disarm(self, st.ring_timer);
  disarm(self, st.answer_timer);
  auto snapshot = changed(self, [&](Groupcall& g) {
    (kind == ResourceKind::call ? g.answer_call_id : g.answer_groupcall_id) = id;
  });
  commit(*st.engine, EventType::groupcall_progressing, snapshot);
  if (effective(snapshot->answer_method) == AnswerMethod::hangup_others) {
    for (auto& b : st.branches) {
      if (b.live && b.id != id) end_branch(self, b, LegCause::answered_elsewhere);
    }
  }
  // The winner has won only once every groupcall above has taken this answer too.
  st.answer = BranchAnswer::pending;
  if (!st.parent) return on_won(self);
  self->send(st.parent, answered_atom::value, ResourceKind::groupcall, snapshot->id);
}

void on_ended(GroupcallSelf self, const Uuid& id, HangupReason reason) {
  auto& st = self->state();
  auto* branch = st.find(id);
  if (!branch || !branch->live) return;
  branch->live = false;
  --st.live;
  st.last_reason = reason;
  // While it rings, the schedule says what comes next (the next step, a repeat,
  // the failover, or the end).
  if (st.takes_answers()) return on_branch_ended(self, *branch);
  if (!st.any_live()) return finish(self);
  if (st.answered() &&
      (id == st.groupcall->answer_call_id || id == st.groupcall->answer_groupcall_id)) {
    // The answered branch ended: the rest are already being cancelled.
    commit_quietly(*st.engine,
                   changed(self, [](Groupcall& g) { g.status = GroupcallStatus::hangingup; }));
  }
  // Otherwise nothing to commit: live counts are derived when the groupcall is
  // read, so a branch ending does not copy the whole snapshot (O(N) per leg).
}

void on_timeout(GroupcallSelf self, GroupcallTimer kind, std::uint32_t generation) {
  auto& st = self->state();
  if (!st.takes_answers()) return;
  if (kind == GroupcallTimer::answer) {
    if (generation == st.answer_timer.generation) hang_up(self, LegCause::answer_timeout);
    return;
  }
  if (generation != st.ring_timer.generation) return;
  st.ring_timer.token = {};
  on_schedule_timer(self);
}

// fail_on_single_reject: one destination declining ends the whole groupcall, and
// every groupcall above it (they share the setting).
void on_declined(GroupcallSelf self) {
  auto& st = self->state();
  if (!st.groupcall->fail_on_single_reject || !st.takes_answers()) return;
  if (st.parent) self->send(st.parent, declined_atom::value, st.groupcall->id);
  hang_up(self, LegCause::normal);
}

// Every groupcall's handlers, built once and shared (running_actor.hpp): a
// behaviour of its own, ten handlers each capturing the actor, cost a groupcall
// 448 bytes.
const groupcall_actor::behavior_type& groupcall_behaviour() {
  static const groupcall_actor::behavior_type shared{
      [](answered_atom, ResourceKind kind, const Uuid& id) {
        if (auto* self = GroupcallActor::running()) on_answered(self, kind, id);
      },
      [](ended_atom, ResourceKind, const Uuid& id, HangupReason reason) {
        if (auto* self = GroupcallActor::running()) on_ended(self, id, reason);
      },
      [](timeout_atom, GroupcallTimer kind, std::uint32_t generation) {
        if (auto* self = GroupcallActor::running()) on_timeout(self, kind, generation);
      },
      [](hangup_atom, LegCause cause) {
        if (auto* self = GroupcallActor::running()) on_parent_hangup(self, cause);
      },
      [](won_atom) {
        if (auto* self = GroupcallActor::running()) on_won(self);
      },
      [](hangup_atom, const GroupcallReply& reply) {
        auto* self = GroupcallActor::running();
        if (!self) return;
        hang_up(self, LegCause::normal);
        reply(*self->state().groupcall);
      },
      [](hangup_atom, const Uuid& call_id, const CallReply& reply) {
        auto* self = GroupcallActor::running();
        if (!self) return;
        // By now every branch dialled so far has its actor.
        auto* branch = self->state().find(call_id);
        if (branch && branch->live && branch->kind == ResourceKind::call) {
          self->send(caf::actor_cast<call_leg_actor>(branch->actor), hangup_atom::value, reply);
        }
        // Otherwise the reply, dropped, answers with the registry's snapshot.
      },
      [](delete_atom, const GroupcallReply& reply) {
        auto* self = GroupcallActor::running();
        if (!self) return;
        self->state().deletions.push_back(reply);
        hang_up(self, LegCause::normal);
      },
      [](declined_atom, const Uuid&) {
        if (auto* self = GroupcallActor::running()) on_declined(self);
      },
      [](routed_atom) {
        if (auto* self = GroupcallActor::running()) on_routed(self);
      },
  };
  return shared;
}

groupcall_actor::behavior_type groupcall(GroupcallActor* self, EngineContext* engine,
                                         std::shared_ptr<PreparedGroupcall> prepared,
                                         groupcall_actor parent) {
  log_escaped_exceptions(self);
  auto state = std::make_unique<GroupcallState>();
  auto& st = *state;
  st.engine = engine;
  st.groupcall = prepared->groupcall;
  st.supervisor = engine->supervisor_for(st.groupcall->id);
  st.plan = prepared->plan;
  st.dial_context = prepared->dial_context;
  st.parent = std::move(parent);
  self->adopt(std::move(state));
  announce(*engine, EventType::groupcall_created, st.groupcall);
  if (st.groupcall->answer_timeout > 0) {
    arm(self, st.answer_timer, GroupcallTimer::answer,
        self->clock().now() + std::chrono::seconds(st.groupcall->answer_timeout));
  }
  start_schedule(self, *prepared);
  return groupcall_behaviour();
}

}  // namespace

// Branches are spawned by their groupcall, so their launch stays on its worker.
branch_actor spawn_branch(GroupcallSelf self, PreparedBranch& prepared) {
  auto& st = self->state();
  if (prepared.call) return spawn_call_leg(*st.engine, self, prepared.call, self, st.dial_context);
  return self->spawn(groupcall, st.engine, prepared.nested, groupcall_actor(self));
}

}  // namespace groupcall_detail

groupcall_actor spawn_groupcall(EngineContext& engine,
                                std::shared_ptr<PreparedGroupcall> prepared) {
  auto id = prepared->groupcall->id;
  auto actor = engine.system.spawn(groupcall_detail::groupcall, &engine, std::move(prepared),
                                   groupcall_actor{});
  // Owned from now on, not from when the actor first runs: a hangup (or stop())
  // right after create_groupcall must reach it.
  engine.registry.groupcalls.attach(id, caf::actor_cast<caf::strong_actor_ptr>(actor));
  return actor;
}

}  // namespace chorus
