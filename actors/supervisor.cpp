#include "actors/supervisor.hpp"

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_context.hpp"
#include "actors/engine_scheduler.hpp"
#include "actors/peer_conference.hpp"
#include "actors/recovery.hpp"
#include "actors/state_change.hpp"
#include "actors/worker_send.hpp"
#include "model/conference_transitions.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

// Hands a supervisor's tick back to it from the back of the timer lane: how a
// supervisor with more timers due (SupervisedTimers::fire_due) yields to the
// actors its last slice woke, then runs the next slice. A message to itself would
// run the next slice at once, in the same turn; a tick through CAF's clock did
// yield, but cost a cross-thread wake of the clock thread and another of a
// worker, twice per millisecond and shard under load (a tenth of bench_engine's
// /1 CPU). The relay is sent to from the supervisor's turn, so it queues on the
// same worker's lane behind the woken actors, and puts the supervisor behind them
// in its turn. It holds the supervisor's address only: the supervisor's state
// holds it.
using tick_relay_actor = caf::typed_actor<caf::reacts_to<tick_atom>>;

tick_relay_actor::behavior_type tick_relay(tick_relay_actor::pointer self,
                                           caf::actor_addr supervisor) {
  return {
      [=](tick_atom) {
        TimerLane lane;
        if (auto target = caf::actor_cast<supervisor_actor>(supervisor)) {
          self->send(target, tick_atom::value);
        }
      },
  };
}

struct SupervisorState {
  static inline const char* name = "supervisor";
  EngineContext* engine = nullptr;
  std::size_t shard = 0;
  tick_relay_actor relay;
};

using SupervisorSelf = supervisor_actor::stateful_pointer<SupervisorState>;

void fire_timers(SupervisorSelf self, SupervisedTimers::Turn turn) {
  WorkerScope scope(self->context());
  // The actors whose timers fire now run before other queued work.
  TimerLane lane;
  // More due: through the relay, not our own mailbox, so that the tick comes
  // back at the end of the timer lane, behind what this slice woke.
  if (self->state.engine->timers.fire_due(self->state.shard, turn)) {
    self->send(self->state.relay, tick_atom::value);
  }
}

// Driver calls made on behalf of a dead leg must not take the supervisor down too.
template <class F>
void release_leg(const Uuid& id, F&& call_driver) {
  try {
    call_driver();
  } catch (const std::exception& e) {
    spdlog::error("call {}: the leg driver failed to release it: {}", id.to_string(), e.what());
  }
}

void tell_parent(EngineContext& engine, const Uuid& parent_id, ResourceKind kind, const Uuid& id) {
  if (parent_id.is_zero()) return;
  if (auto parent = engine.registry.groupcalls.actor(parent_id)) {
    caf::anon_send(caf::actor_cast<groupcall_actor>(parent), ended_atom::value, kind, id,
                   HangupReason::failed);
  }
}

// A branch of a dead groupcall: end it through its actor, or finalise it directly
// when it never got one.
void end_orphan(EngineContext& engine, ResourceKind kind, const Uuid& id) {
  auto actor = kind == ResourceKind::call ? engine.registry.calls.actor(id)
                                          : engine.registry.groupcalls.actor(id);
  if (actor) {
    caf::anon_send(caf::actor_cast<branch_actor>(actor), hangup_atom::value, LegCause::failed);
  } else if (kind == ResourceKind::call) {
    reap_call(engine, id);
  } else {
    reap_groupcall(engine, id);
  }
}

}  // namespace

void reap_call(EngineContext& engine, const Uuid& id) {
  auto snapshot = engine.registry.calls.find(id);
  if (!snapshot || is_final(snapshot->status)) return;
  auto status = snapshot->status;
  if (status == CallStatus::progressing || status == CallStatus::terminating) {
    release_leg(id, [&] { engine.driver->hangup(id, LegCause::failed); });
  } else {
    release_leg(id, [&] { engine.driver->cancel(id, LegCause::failed); });
  }
  commit(engine, EventType::call_hangup, ended_by_failure(*snapshot, engine.clock.now()));
  tell_parent(engine, snapshot->groupcall_id, ResourceKind::call, id);
}

void reap_groupcall(EngineContext& engine, const Uuid& id) {
  auto snapshot = engine.registry.groupcalls.find(id);
  if (!snapshot || is_final(snapshot->status)) return;
  for (auto& call_id : snapshot->call_ids) end_orphan(engine, ResourceKind::call, call_id);
  for (auto& nested : snapshot->groupcall_ids) end_orphan(engine, ResourceKind::groupcall, nested);
  commit(engine, EventType::groupcall_hangup, ended_by_failure(*snapshot, engine.clock.now()));
  if (snapshot->master_groupcall_id.is_zero()) {
    retire(engine, id);
  } else {
    tell_parent(engine, snapshot->master_groupcall_id, ResourceKind::groupcall, id);
  }
}

// A participant whose actor died: out of the bridge (best effort, nobody waits for
// the confirmation) and leaved; its conference and its call learn of it.
void reap_conferencecall(EngineContext& engine, const Uuid& id) {
  auto snapshot = engine.registry.conferencecalls.find(id);
  if (!snapshot || is_final(snapshot->status)) return;
  release_leg(snapshot->reference_id, [&] {
    engine.driver->leave_bridge(
        BridgeRequest{snapshot->conference_id, snapshot->id, snapshot->reference_id, {}});
  });
  commit(engine, EventType::conferencecall_leaved, ended_by_failure(*snapshot, engine.clock.now()));
  if (auto conference = engine.registry.conferences.actor(snapshot->conference_id)) {
    caf::anon_send(caf::actor_cast<conference_actor>(conference), left_atom::value, id);
  } else {
    tell_peer_conference_left(engine, *snapshot);
  }
  if (auto leg = engine.registry.calls.actor(snapshot->reference_id)) {
    caf::anon_send(caf::actor_cast<call_leg_actor>(leg), left_atom::value, id);
  }
  retire_conferencecall(engine, id);
}

// A conference whose actor died: its participants leave, and it is terminated.
void reap_conference(EngineContext& engine, const Uuid& id) {
  auto snapshot = engine.registry.conferences.find(id);
  if (!snapshot || is_final(snapshot->status)) return;
  for (auto& participant : snapshot->conferencecall_ids) {
    if (auto actor = engine.registry.conferencecalls.actor(participant)) {
      caf::anon_send(caf::actor_cast<conferencecall_actor>(actor), leave_atom::value,
                     LeaveCause::conference_ended);
    } else if (engine.registry.conferencecalls.find(participant)) {
      reap_conferencecall(engine, participant);
    } else {
      end_peer_participant(engine, participant);  // another node runs it
    }
  }
  commit(engine, EventType::conference_updated, ended_by_failure(*snapshot, engine.clock.now()));
  retire_conference(engine, id);
}

supervisor_actor spawn_supervisor(EngineContext& engine, std::size_t shard) {
  return engine.system.spawn(
      [](SupervisorSelf self, EngineContext* engine,
         std::size_t shard) -> supervisor_actor::behavior_type {
        self->state.engine = engine;
        self->state.shard = shard;
        self->state.relay = self->spawn(tick_relay, self->address());
        return {
            [=](wake_atom) { fire_timers(self, SupervisedTimers::Turn::woken); },
            [=](tick_atom) { fire_timers(self, SupervisedTimers::Turn::resumed); },
            [=](died_atom, ResourceKind kind, const Uuid& id, const caf::error& reason) {
              spdlog::error("{} {}: its actor died ({}); finalising it as failed", to_string(kind),
                            id.to_string(), self->system().render(reason));
              using Reap = void (*)(EngineContext&, const Uuid&);
              // Indexed by ResourceKind.
              static constexpr Reap reap[] = {reap_call, reap_groupcall, reap_conference,
                                              reap_conferencecall};
              reap[static_cast<std::size_t>(kind)](*self->state.engine, id);
            },
        };
      },
      &engine, shard);
}

}  // namespace chorus
