#include "actors/call_leg.hpp"

#include <optional>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_context.hpp"
#include "actors/line_access.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

// An end that waits for the verdict on the leg's answer: who ended it, and why.
struct PendingEnd {
  HangupBy by;
  LegCause cause;
};

struct CallLegState {
  static inline const char* name = "call_leg";

  EngineContext* engine = nullptr;
  std::shared_ptr<const Call> call;
  groupcall_actor groupcall;
  BranchAnswer answer = BranchAnswer::none;
  std::optional<PendingEnd> pending_end;
  // The conference participant holding the call's seat (a call is in at most one
  // conference), and its conference, told when the call ends.
  Uuid conferencecall_id;
  conference_actor conference;
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

// The last move: hangup, then the groupcall learns and the actor quits. A call
// in a conference is out of it once hung up: its participant is made to leave.
void finish(LegSelf self, HangupBy by, HangupReason reason) {
  auto moved = move_to(self, CallStatus::hangup, [&](Call& c) {
    c.hangup_by = by;
    c.hangup_reason = reason;
    c.conference_id = Uuid();
  });
  if (!moved) return;
  auto& st = self->state;
  if (st.conference) self->send(st.conference, hangup_atom::value, st.conferencecall_id);
  self->send(st.groupcall, ended_atom::value, ResourceKind::call, st.call->id, reason);
  self->quit();
}

// Ends an answered leg: at once when the verdict on its answer is known, else it
// waits in terminating for the verdict (won, or its groupcall's hangup).
void conclude(LegSelf self, PendingEnd end) {
  auto& st = self->state;
  if (st.answer != BranchAnswer::pending) {
    return finish(self, end.by, hangup_reason_for(end.cause, st.answer));
  }
  if (st.call->status == CallStatus::progressing) move_to(self, CallStatus::terminating);
  st.pending_end = end;
}

// The engine ends the leg: cancel it while it rings, hang it up once answered.
void end_locally(LegSelf self, LegCause cause) {
  auto& st = self->state;
  auto status = st.call->status;
  if (status == CallStatus::dialing || status == CallStatus::ringing) {
    move_to(self, CallStatus::canceling);
    WorkerScope scope(self->context());
    st.engine->driver->cancel(st.call->id, cause);
    finish(self, HangupBy::local, hangup_reason_for(cause, st.answer));
  } else if (status == CallStatus::progressing) {
    move_to(self, CallStatus::terminating);
    {
      WorkerScope scope(self->context());
      st.engine->driver->hangup(st.call->id, cause);
    }
    conclude(self, PendingEnd{HangupBy::local, cause});
  }
  // Already ending or ended: nothing more to do.
}

// Its groupcall (or, when that died, the supervisor) ends the leg. Before the leg
// heard that it won, this is the verdict: its answer was not taken, a late answer.
void on_hangup(LegSelf self, LegCause cause) {
  auto& st = self->state;
  if (st.answer == BranchAnswer::pending) st.answer = BranchAnswer::late;
  if (st.pending_end) return finish(self, st.pending_end->by, hangup_reason_for(cause, st.answer));
  end_locally(self, cause);
}

// Its groupcall took its answer for good; an end that waited for this completes.
void on_won(LegSelf self) {
  auto& st = self->state;
  if (st.answer != BranchAnswer::pending) return;
  st.answer = BranchAnswer::won;
  if (st.pending_end) conclude(self, *st.pending_end);
}

void on_report(LegSelf self, LegReport report, std::string sdp = {}) {
  auto& st = self->state;
  auto status = st.call->status;
  bool before_answer = status == CallStatus::dialing || status == CallStatus::ringing;
  // Canceling and terminating take no answer: the leg is already ending.
  switch (report) {
    case LegReport::ringing:
      if (status == CallStatus::dialing) move_to(self, CallStatus::ringing);
      return;
    case LegReport::answered:
      if (before_answer && move_to(self, CallStatus::progressing, [&](Call& c) {
            if (!sdp.empty()) c.sdp_answer = Text(sdp);
          })) {
        st.answer = BranchAnswer::pending;
        self->send(st.groupcall, answered_atom::value, ResourceKind::call, st.call->id);
      }
      return;
    case LegReport::busy:
      if (!before_answer) return;
      self->send(st.groupcall, declined_atom::value, st.call->id);
      finish(self, HangupBy::remote, HangupReason::busy);
      return;
    case LegReport::rejected:
      if (!before_answer) return;
      // A decline (603) is not a line in use: VoIPbin counts it as not answered.
      self->send(st.groupcall, declined_atom::value, st.call->id);
      finish(self, HangupBy::remote, HangupReason::noanswer);
      return;
    case LegReport::no_answer:
      if (before_answer) finish(self, HangupBy::remote, HangupReason::noanswer);
      return;
    case LegReport::failed:
      finish(self, HangupBy::remote, HangupReason::failed);
      return;
    case LegReport::remote_hangup:
      // Before an answer the far end gave up ringing: that call was never answered.
      if (before_answer) return finish(self, HangupBy::remote, HangupReason::noanswer);
      if (status == CallStatus::progressing)
        conclude(self, PendingEnd{HangupBy::remote, LegCause::normal});
      return;
  }
}

// A conference asks for the call's seat: only an answered call in no conference
// yet gives it. An answer its groupcall has not yet taken for good counts: one the
// groupcall turns down hangs up, and its participant leaves with it.
SeatAnswer on_seat(LegSelf self, const Uuid& conferencecall_id, const Uuid& conference_id,
                   conference_actor conference) {
  auto& st = self->state;
  auto status = st.call->status;
  if (status == CallStatus::hangup || status == CallStatus::terminating ||
      status == CallStatus::canceling) {
    return SeatAnswer::ended;
  }
  if (status != CallStatus::progressing) {
    return SeatAnswer::not_answered;
  }
  if (st.conference) return SeatAnswer::in_conference;
  st.conferencecall_id = conferencecall_id;
  st.conference = std::move(conference);
  auto next = std::make_shared<Call>(*st.call);
  next->conference_id = conference_id;
  next->tm_update = st.engine->clock.now();
  st.call = next;
  commit(*st.engine, EventType::call_updated, std::move(next));
  return SeatAnswer::taken;
}

// The participant holding the seat has left: the call may join another conference.
void on_left_conference(LegSelf self, const Uuid& conferencecall_id) {
  auto& st = self->state;
  if (!st.conference || st.conferencecall_id != conferencecall_id) return;
  st.conference = nullptr;
  st.conferencecall_id = Uuid();
  if (is_final(st.call->status)) return;
  auto next = std::make_shared<Call>(*st.call);
  next->conference_id = Uuid();
  next->tm_update = st.engine->clock.now();
  st.call = next;
  commit(*st.engine, EventType::call_updated, std::move(next));
}

call_leg_actor::behavior_type call_leg(LegSelf self, EngineContext* engine,
                                       std::shared_ptr<const Call> call, groupcall_actor groupcall,
                                       DialContextPtr dial_context) {
  auto& st = self->state;
  st.engine = engine;
  st.call = std::move(call);
  st.groupcall = std::move(groupcall);
  supervise(*engine, self, ResourceKind::call, st.call->id);
  announce(*engine, EventType::call_created, st.call);
  WorkerScope scope(self->context());
  engine->legs_dialled.fetch_add(1, std::memory_order_relaxed);
  engine->driver->dial(DialRequest{*st.call,
                                   dial_context ? dial_context->alert_info : std::string_view{},
                                   dial_context ? dial_context->sdp_offer : std::string_view{},
                                   detail::LineAccess::to<LegLine>(self)});
  announce(*engine, EventType::call_dialing, st.call);
  return {
      [=](LegReport report) { on_report(self, report); },
      [=](LegReport report, std::string& sdp) { on_report(self, report, std::move(sdp)); },
      [=](hangup_atom, LegCause cause) { on_hangup(self, cause); },
      [=](won_atom) { on_won(self); },
      [=](hangup_atom, const CallReply& reply) {
        end_locally(self, LegCause::normal);
        reply(*self->state.call);
      },
      [=](seat_atom, const Uuid& conferencecall_id, const Uuid& conference_id,
          conference_actor conference) {
        return on_seat(self, conferencecall_id, conference_id, std::move(conference));
      },
      [=](left_atom, const Uuid& conferencecall_id) {
        on_left_conference(self, conferencecall_id);
      },
  };
}

}  // namespace

HangupReason hangup_reason_for(LegCause cause, BranchAnswer answer) {
  using R = HangupReason;
  // Rows: LegCause. Columns: BranchAnswer none, pending, won, late. Only a won
  // answer ends normal; an answer the groupcall did not take (pending or late) is
  // cancelled, except when Chorus's own timer (ring_timeout, answer_timeout)
  // stopped the leg: VoIPbin's dialout. VoIPbin's timeout is an answered call cut
  // by a timer; neither timer does that (both are disarmed once an answer is
  // taken), so their won cells are unreachable.
  static constexpr R reasons[][4] = {
      /* normal */ {R::cancel, R::cancel, R::normal, R::cancel},
      /* answered_elsewhere */ {R::cancel, R::cancel, R::cancel, R::cancel},
      /* ring_timeout */ {R::dialout, R::dialout, R::timeout, R::dialout},
      /* answer_timeout */ {R::dialout, R::dialout, R::timeout, R::dialout},
      /* failed */ {R::failed, R::failed, R::failed, R::failed},
  };
  return reasons[static_cast<std::size_t>(cause)][static_cast<std::size_t>(answer)];
}

call_leg_actor spawn_call_leg(EngineContext& engine, caf::local_actor* parent,
                              std::shared_ptr<const Call> call, groupcall_actor groupcall,
                              DialContextPtr dial_context) {
  return parent->spawn(call_leg, &engine, std::move(call), std::move(groupcall),
                       std::move(dial_context));
}

}  // namespace chorus
