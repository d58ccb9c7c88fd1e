#include "actors/call_leg.hpp"

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

struct CallLegState {
  static inline const char* name = "call_leg";

  EngineContext* engine = nullptr;
  std::shared_ptr<const Call> call;
  groupcall_actor groupcall;
};

using LegSelf = call_leg_actor::stateful_pointer<CallLegState>;

// Moves the leg to `to`, stamping what the move means, and commits it. A move the
// state machine refuses is logged and changes nothing.
template <class Edit>
bool move_to(LegSelf self, CallStatus to, Edit&& edit) {
  auto& st = self->state;
  if (auto status = check_transition(st.call->status, to); !status) {
    spdlog::warn("call {}: {}", st.call->id.to_string(), status.error().message);
    return false;
  }
  auto next = std::make_shared<Call>(*st.call);
  auto now = st.engine->clock.now();
  next->status = to;
  next->tm_update = now;
  if (to == CallStatus::ringing) next->tm_ringing = now;
  if (to == CallStatus::progressing) next->tm_progressing = now;
  if (to == CallStatus::hangup) next->tm_hangup = now;
  edit(*next);
  st.call = next;
  commit(*st.engine, event_for(to), std::move(next));
  return true;
}

bool move_to(LegSelf self, CallStatus to) {
  return move_to(self, to, [](Call&) {});
}

// The last move: hangup, then the groupcall learns and the actor quits.
void finish(LegSelf self, HangupBy by, HangupReason reason) {
  auto moved = move_to(self, CallStatus::hangup, [&](Call& c) {
    c.hangup_by = by;
    c.hangup_reason = reason;
  });
  if (!moved) return;
  auto& st = self->state;
  self->send(st.groupcall, ended_atom::value, ResourceKind::call, st.call->id, reason);
  self->quit();
}

// The engine ends the leg: cancel it while it rings, hang it up once answered.
void end_locally(LegSelf self, LegCause cause) {
  auto& st = self->state;
  auto status = st.call->status;
  if (status == CallStatus::dialing || status == CallStatus::ringing) {
    move_to(self, CallStatus::canceling);
    WorkerScope scope(self->context());
    st.engine->driver->cancel(st.call->id, cause);
    finish(self, HangupBy::local, hangup_reason_for(cause, false));
  } else if (status == CallStatus::progressing) {
    move_to(self, CallStatus::terminating);
    WorkerScope scope(self->context());
    st.engine->driver->hangup(st.call->id, cause);
    finish(self, HangupBy::local, hangup_reason_for(cause, true));
  }
  // Already ending or ended: nothing more to do.
}

void on_report(LegSelf self, LegReport report) {
  auto& st = self->state;
  auto status = st.call->status;
  bool before_answer = status == CallStatus::dialing || status == CallStatus::ringing;
  switch (report) {
    case LegReport::ringing:
      if (status == CallStatus::dialing) move_to(self, CallStatus::ringing);
      return;
    case LegReport::answered:
      if (before_answer && move_to(self, CallStatus::progressing)) {
        self->send(st.groupcall, answered_atom::value, ResourceKind::call, st.call->id);
      }
      return;
    case LegReport::busy:
    case LegReport::rejected:
      // A decline is the callee refusing this call, which VoIPbin calls busy.
      if (before_answer) finish(self, HangupBy::remote, HangupReason::busy);
      return;
    case LegReport::no_answer:
      if (before_answer) finish(self, HangupBy::remote, HangupReason::noanswer);
      return;
    case LegReport::failed:
      finish(self, HangupBy::remote, HangupReason::failed);
      return;
    case LegReport::remote_hangup:
      finish(self, HangupBy::remote, HangupReason::normal);
      return;
  }
}

call_leg_actor::behavior_type call_leg(LegSelf self, EngineContext* engine,
                                       std::shared_ptr<const Call> call, groupcall_actor groupcall,
                                       std::shared_ptr<const std::string> alert_info) {
  auto& st = self->state;
  st.engine = engine;
  st.call = std::move(call);
  st.groupcall = std::move(groupcall);
  supervise(*engine, self, ResourceKind::call, st.call->id);
  announce(*engine, EventType::call_created, st.call);
  WorkerScope scope(self->context());
  engine->legs_dialled.fetch_add(1, std::memory_order_relaxed);
  engine->driver->dial(DialRequest{*st.call, alert_info ? *alert_info : std::string_view{},
                                   LegLine(caf::actor_cast<caf::actor_control_block*>(self))});
  announce(*engine, EventType::call_dialing, st.call);
  return {
      [=](LegReport report) { on_report(self, report); },
      [=](hangup_atom, LegCause cause) { end_locally(self, cause); },
      [=](hangup_atom, const CallReply& reply) {
        end_locally(self, LegCause::normal);
        reply(*self->state.call);
      },
  };
}

}  // namespace

HangupReason hangup_reason_for(LegCause cause, bool answered) {
  switch (cause) {
    case LegCause::normal:
      return answered ? HangupReason::normal : HangupReason::cancel;
    case LegCause::answered_elsewhere:
      return HangupReason::cancel;
    case LegCause::ring_timeout:
      return HangupReason::noanswer;
    case LegCause::answer_timeout:
      return HangupReason::timeout;
    case LegCause::failed:
      return HangupReason::failed;
  }
  return HangupReason::normal;
}

call_leg_actor spawn_call_leg(EngineContext& engine, caf::local_actor* parent,
                              std::shared_ptr<const Call> call, groupcall_actor groupcall,
                              std::shared_ptr<const std::string> alert_info) {
  return parent->spawn(call_leg, &engine, std::move(call), std::move(groupcall),
                       std::move(alert_info));
}

}  // namespace chorus
