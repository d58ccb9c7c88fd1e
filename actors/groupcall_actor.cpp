#include "actors/groupcall_actor.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/call_leg.hpp"
#include "actors/conference_actor.hpp"
#include "actors/deletion.hpp"
#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

struct Branch {
  ResourceKind kind;
  Uuid id;
  branch_actor actor;
  bool live = true;
  bool ending = false;  // told to end: an answer it sends now must not win
};

struct Timer {
  TimerService::Token token;
  std::uint32_t generation = 0;
  caf::actor_clock::time_point deadline;
};

struct GroupcallState {
  static inline const char* name = "groupcall";

  EngineContext* engine = nullptr;
  std::shared_ptr<const Groupcall> groupcall;
  std::shared_ptr<const DialPlan> plan;
  std::shared_ptr<const std::string> alert_info;
  groupcall_actor parent;
  std::vector<Branch> branches;
  std::size_t live = 0;  // branches not yet ended
  Timer ring_timer;
  Timer answer_timer;
  HangupReason last_reason = HangupReason::normal;
  std::vector<GroupcallReply> deletions;  // answered once the groupcall has ended
  // Its own answer, as its parent sees it: a top-level groupcall's winner has won
  // at once; a nested one's waits for the verdict of the groupcalls above.
  BranchAnswer answer = BranchAnswer::none;
  // A hangup asked for while that verdict was pending: it ends the winner once
  // the verdict says how (normal if it won, cancel if not).
  std::optional<LegCause> winner_hangup;

  bool answered() const {
    return !groupcall->answer_call_id.is_zero() || !groupcall->answer_groupcall_id.is_zero();
  }
  // Answers are taken only while it rings: not once it has a winner, is hanging
  // up (on request, on answer_timeout or to be deleted) or has ended.
  bool takes_answers() const {
    return groupcall->status == GroupcallStatus::progressing && !answered();
  }

  // Few branches: a scan beats hashing. Many (up to max_destinations): an index,
  // so that each answer or end stays O(1).
  static constexpr std::size_t scan_limit = 16;
  std::unordered_map<Uuid, std::size_t> index;

  void add(Branch branch) {
    branches.push_back(std::move(branch));
    if (branches.size() == scan_limit + 1) {
      for (std::size_t i = 0; i < branches.size(); ++i) index.emplace(branches[i].id, i);
    } else if (branches.size() > scan_limit + 1) {
      index.emplace(branches.back().id, branches.size() - 1);
    }
  }
  Branch* find(const Uuid& id) {
    if (branches.size() > scan_limit) {
      auto i = index.find(id);
      return i == index.end() ? nullptr : &branches[i->second];
    }
    auto i =
        std::find_if(branches.begin(), branches.end(), [&](const Branch& b) { return b.id == id; });
    return i == branches.end() ? nullptr : &*i;
  }
  bool any_live() const { return live > 0; }
  Branch* winner() {
    if (!answered()) return nullptr;
    return find(groupcall->answer_call_id.is_zero() ? groupcall->answer_groupcall_id
                                                    : groupcall->answer_call_id);
  }
};

using GroupcallSelf = groupcall_actor::stateful_pointer<GroupcallState>;

branch_actor spawn_branch(GroupcallSelf self, PreparedBranch& prepared);

// Copies the snapshot, applies `edit`, stamps tm_update and keeps the counts true.
template <class Edit>
std::shared_ptr<const Groupcall> changed(GroupcallSelf self, Edit&& edit) {
  auto& st = self->state;
  auto next = std::make_shared<Groupcall>(*st.groupcall);
  edit(*next);
  next->tm_update = st.engine->clock.now();
  next->call_count = next->groupcall_count = 0;
  for (auto& b : st.branches) {
    if (!b.live) continue;
    (b.kind == ResourceKind::call ? next->call_count : next->groupcall_count)++;
  }
  st.groupcall = next;
  return next;
}

void arm(GroupcallSelf self, Timer& timer, GroupcallTimer kind, std::int32_t seconds) {
  auto& timers = self->state.engine->timers;
  timers.cancel(timer.token);
  auto generation = ++timer.generation;
  timer.deadline = self->clock().now() + std::chrono::seconds(seconds);
  // A weak reference: a pending timer never keeps an ended groupcall alive.
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  timer.token = timers.schedule(std::chrono::seconds(seconds), [weak, kind, generation] {
    if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(weak)) {
      worker_send(caf::actor_cast<groupcall_actor>(strong), timeout_atom::value, kind, generation);
    }
  });
}

void disarm(GroupcallSelf self, Timer& timer) {
  self->state.engine->timers.cancel(timer.token);
  timer.token = {};
  ++timer.generation;  // an expiry already in the mailbox is now stale
}

void dial(GroupcallSelf self, PreparedBranch& prepared) {
  auto& st = self->state;
  bool leg = prepared.call != nullptr;
  Branch branch{leg ? ResourceKind::call : ResourceKind::groupcall,
                leg ? prepared.call->id : prepared.nested->groupcall->id, branch_actor{}, true};
  st.add(branch);
  ++st.live;
  st.branches.back().actor = spawn_branch(self, prepared);
  // Reachable from the API (and stop()) from now on, not only once it first runs.
  auto owner = caf::actor_cast<caf::strong_actor_ptr>(st.branches.back().actor);
  if (leg) {
    st.engine->registry.calls.attach(branch.id, std::move(owner));
  } else {
    st.engine->registry.groupcalls.attach(branch.id, std::move(owner));
  }
  // Each leg rings ring_timeout; a nested groupcall times its own legs.
  if (leg && st.groupcall->ring_timeout > 0 &&
      (effective(st.groupcall->ring_method) == RingMethod::linear || !st.ring_timer.token)) {
    arm(self, st.ring_timer, GroupcallTimer::ring, st.groupcall->ring_timeout);
  }
}

// The groupcall has ended: commit, tell the parent, quit.
void finish(GroupcallSelf self) {
  auto& st = self->state;
  disarm(self, st.ring_timer);
  disarm(self, st.answer_timer);
  if (auto status = check_transition(st.groupcall->status, GroupcallStatus::hangup); !status) {
    return;
  }
  auto snapshot = changed(self, [](Groupcall& g) { g.status = GroupcallStatus::hangup; });
  commit(*st.engine, EventType::groupcall_hangup, snapshot);
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

// Ends every live branch for `cause`; the groupcall ends when the last one has. A
// winner whose verdict is pending keeps going until the verdict says how it ends.
void hang_up(GroupcallSelf self, LegCause cause) {
  auto& st = self->state;
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
// refused join leaves the call as it is, answered, and is logged.
void join_winner(GroupcallSelf self, const Uuid& call_id) {
  auto& g = *self->state.groupcall;
  join_conference(*self->state.engine, g.customer_id, g.conference_id, call_id,
                  [groupcall_id = g.id, call_id](Result<Conferencecall> joined) {
                    if (joined) return;
                    spdlog::warn("groupcall {}: its winner {} did not join its conference: {}",
                                 groupcall_id.to_string(), call_id.to_string(),
                                 joined.error().message);
                  });
}

// The groupcall's answer was taken for good (by its parent, or at once at the
// top): its winner has won, and a hangup that waited for this goes ahead.
void on_won(GroupcallSelf self) {
  auto& st = self->state;
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
  auto& st = self->state;
  if (st.answer == BranchAnswer::pending) st.answer = BranchAnswer::late;
  hang_up(self, cause);
}

// An answer the groupcall does not take. A branch already told to end learns so
// from that hangup (its answer was late, so it ends cancel); any other is ended now.
// Logged at debug: under a burst of hangups, answers crossing them are routine.
void late_answer(GroupcallSelf self, Branch& branch) {
  auto& st = self->state;
  spdlog::debug("groupcall {}: late answer from {} {}, hanging it up", st.groupcall->id.to_string(),
                to_string(branch.kind), branch.id.to_string());
  if (!branch.ending) end_branch(self, branch, LegCause::answered_elsewhere);
}

void on_answered(GroupcallSelf self, ResourceKind kind, const Uuid& id) {
  auto& st = self->state;
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

// Linear: ring the next destination, or end when there is none.
void dial_next(GroupcallSelf self) {
  auto& st = self->state;
  auto next_index = static_cast<std::size_t>(st.groupcall->dial_index) + 1;
  if (next_index >= st.plan->targets.size()) return finish(self);
  auto prepared = prepare_branch(*st.engine, *st.groupcall, st.plan, next_index, st.alert_info);
  dial(self, prepared);
  commit_quietly(*st.engine, changed(self, [&](Groupcall& g) {
    g.dial_index = static_cast<std::int32_t>(next_index);
    if (prepared.call) {
      g.call_ids.push_back(prepared.call->id);
    } else {
      g.groupcall_ids.push_back(prepared.nested->groupcall->id);
    }
  }));
}

void on_ended(GroupcallSelf self, const Uuid& id, HangupReason reason) {
  auto& st = self->state;
  auto* branch = st.find(id);
  if (!branch || !branch->live) return;
  branch->live = false;
  --st.live;
  st.last_reason = reason;
  bool current = &*branch == &st.branches.back();
  if (st.groupcall->status == GroupcallStatus::progressing && !st.answered() &&
      effective(st.groupcall->ring_method) == RingMethod::linear && current) {
    disarm(self, st.ring_timer);
    return dial_next(self);
  }
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
  auto& st = self->state;
  if (st.groupcall->status != GroupcallStatus::progressing || st.answered()) return;
  if (kind == GroupcallTimer::answer) {
    if (generation == st.answer_timer.generation) hang_up(self, LegCause::answer_timeout);
    return;
  }
  if (generation != st.ring_timer.generation) return;
  st.ring_timer.token = {};
  // ring_all: every leg still ringing; linear: the one ringing now.
  for (auto& b : st.branches) {
    if (b.live && b.kind == ResourceKind::call) end_branch(self, b, LegCause::ring_timeout);
  }
  st.engine->ring_timeout_lateness.record(self->clock().now() - st.ring_timer.deadline);
}

groupcall_actor::behavior_type groupcall(GroupcallSelf self, EngineContext* engine,
                                         std::shared_ptr<PreparedGroupcall> prepared,
                                         groupcall_actor parent) {
  auto& st = self->state;
  st.engine = engine;
  st.groupcall = prepared->groupcall;
  st.plan = prepared->plan;
  st.alert_info = prepared->alert_info;
  st.parent = std::move(parent);
  supervise(*engine, self, ResourceKind::groupcall, st.groupcall->id);
  announce(*engine, EventType::groupcall_created, st.groupcall);
  if (st.groupcall->answer_timeout > 0) {
    arm(self, st.answer_timer, GroupcallTimer::answer, st.groupcall->answer_timeout);
  }
  for (auto& branch : prepared->initial) dial(self, branch);
  // ring_all has dialled everything: the plan is only linear's list of what is next.
  if (effective(st.groupcall->ring_method) == RingMethod::ring_all) st.plan.reset();
  if (st.branches.empty()) finish(self);  // nothing to ring: an extension with no contacts
  return {
      [=](answered_atom, ResourceKind kind, const Uuid& id) { on_answered(self, kind, id); },
      [=](ended_atom, ResourceKind, const Uuid& id, HangupReason reason) {
        on_ended(self, id, reason);
      },
      [=](timeout_atom, GroupcallTimer kind, std::uint32_t generation) {
        on_timeout(self, kind, generation);
      },
      [=](hangup_atom, LegCause cause) { on_parent_hangup(self, cause); },
      [=](won_atom) { on_won(self); },
      [=](hangup_atom, const GroupcallReply& reply) {
        hang_up(self, LegCause::normal);
        reply(*self->state.groupcall);
      },
      [=](hangup_atom, const Uuid& call_id, const CallReply& reply) {
        // By now every branch dialled so far has its actor.
        auto* branch = self->state.find(call_id);
        if (branch && branch->live && branch->kind == ResourceKind::call) {
          self->send(caf::actor_cast<call_leg_actor>(branch->actor), hangup_atom::value, reply);
        }
        // Otherwise the reply, dropped, answers with the registry's snapshot.
      },
      [=](delete_atom, const GroupcallReply& reply) {
        self->state.deletions.push_back(reply);
        hang_up(self, LegCause::normal);
      },
  };
}

// Branches are spawned by their groupcall, so their launch stays on its worker.
branch_actor spawn_branch(GroupcallSelf self, PreparedBranch& prepared) {
  auto& st = self->state;
  if (prepared.call) return spawn_call_leg(*st.engine, self, prepared.call, self, st.alert_info);
  return self->spawn(groupcall, st.engine, prepared.nested, groupcall_actor(self));
}

}  // namespace

groupcall_actor spawn_groupcall(EngineContext& engine,
                                std::shared_ptr<PreparedGroupcall> prepared) {
  auto id = prepared->groupcall->id;
  auto actor = engine.system.spawn(groupcall, &engine, std::move(prepared), groupcall_actor{});
  // Owned from now on, not from when the actor first runs: a hangup (or stop())
  // right after create_groupcall must reach it.
  engine.registry.groupcalls.attach(id, caf::actor_cast<caf::strong_actor_ptr>(actor));
  return actor;
}

}  // namespace chorus
