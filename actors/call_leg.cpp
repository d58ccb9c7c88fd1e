#include "actors/call_leg.hpp"

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_storage.hpp>
#include <caf/actor_system.hpp>
#include <caf/attachable.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_context.hpp"
#include "actors/line_access.hpp"
#include "actors/running_actor.hpp"
#include "actors/state_beside.hpp"
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

// The conference participant holding the call's seat (a call is in at most one
// conference), and its conference, told when the call ends. Few calls ever sit in
// a conference, so a ringing leg holds only a null pointer to this.
struct ConferenceSeat {
  Uuid conferencecall_id;
  conference_roll_actor conference;
};

class CallLegActor;
using LegSelf = CallLegActor*;

// The leg's state (80 bytes, jemalloc's 80-byte class), beside its actor
// (state_beside.hpp). As the actor exits, it tells the supervisor of an abnormal
// exit, as supervise() does for the other actors: one allocation where a stateful
// leg took two.
struct LegState final : caf::attachable {
  LegState(LegSelf self, EngineContext* engine, std::shared_ptr<const Call> call,
           groupcall_actor groupcall)
      : self(self),
        engine(engine),
        call(std::move(call)),
        groupcall(std::move(groupcall)),
        supervisor(engine->supervisor_for(this->call->id)) {}

  void actor_exited(const caf::error& reason, caf::execution_unit*) override {
    report_abnormal_exit(supervisor, ResourceKind::call, call->id, reason);
  }

  LegSelf self;
  EngineContext* engine;
  std::shared_ptr<const Call> call;
  groupcall_actor groupcall;
  supervisor_actor supervisor;
  std::unique_ptr<ConferenceSeat> seat;  // set while the call sits in a conference
  BranchAnswer answer = BranchAnswer::none;
  std::optional<PendingEnd> pending_end;
};

// The leg's actor: CAF's typed actor and nothing more, 1,024 bytes with CAF's
// control block where a stateful leg took 1,280. Its state lives beside it, and
// every leg shares one behaviour (leg_behaviour, running_actor.hpp) where a
// behaviour of its own cost each leg 320 bytes.
class CallLegActor final
    : public RunningActor<CallLegActor, StateBeside<CallLegActor, call_leg_actor::base, LegState>> {
 public:
  using RunningActor::RunningActor;
  const char* name() const override { return "call_leg"; }
};

// What each ringing leg costs in jemalloc's classes: 1,024 for its actor, 80 for its state.
static_assert(sizeof(caf::actor_storage<CallLegActor>) <= 1024,
              "the leg's actor outgrew jemalloc's 1,024-byte class");
static_assert(sizeof(LegState) <= 80, "the leg's state outgrew jemalloc's 80-byte class");

// Moves the leg to `to`, stamping what the move means, and commits it. A move the
// state machine refuses is logged and changes nothing.
template <class Edit>
bool move_to(LegState& st, CallStatus to, Edit&& edit) {
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

bool move_to(LegState& st, CallStatus to) {
  return move_to(st, to, [](Call&) {});
}

// The last move: hangup, then the groupcall learns and the actor quits. A call
// in a conference is out of it once hung up: its participant is made to leave.
void finish(LegState& st, HangupBy by, HangupReason reason) {
  auto moved = move_to(st, CallStatus::hangup, [&](Call& c) {
    c.hangup_by = by;
    c.hangup_reason = reason;
    c.conference_id = Uuid();
  });
  if (!moved) return;
  auto* self = st.self;
  if (st.seat) self->send(st.seat->conference, hangup_atom::value, st.seat->conferencecall_id);
  self->send(st.groupcall, ended_atom::value, ResourceKind::call, st.call->id, reason);
  self->quit();
}

// Ends an answered leg: at once when the verdict on its answer is known, else it
// waits in terminating for the verdict (won, or its groupcall's hangup).
void conclude(LegState& st, PendingEnd end) {
  if (st.answer != BranchAnswer::pending) {
    return finish(st, end.by, hangup_reason_for(end.cause, st.answer));
  }
  if (st.call->status == CallStatus::progressing) move_to(st, CallStatus::terminating);
  st.pending_end = end;
}

// The engine ends the leg: cancel it while it rings, hang it up once answered.
void end_locally(LegState& st, LegCause cause) {
  auto status = st.call->status;
  if (status == CallStatus::dialing || status == CallStatus::ringing) {
    move_to(st, CallStatus::canceling);
    WorkerScope scope(st.self->context());
    st.engine->driver->cancel(st.call->id, cause);
    finish(st, HangupBy::local, hangup_reason_for(cause, st.answer));
  } else if (status == CallStatus::progressing) {
    move_to(st, CallStatus::terminating);
    {
      WorkerScope scope(st.self->context());
      st.engine->driver->hangup(st.call->id, cause);
    }
    conclude(st, PendingEnd{HangupBy::local, cause});
  }
  // Already ending or ended: nothing more to do.
}

// Its groupcall (or, when that died, the supervisor) ends the leg. Before the leg
// heard that it won, this is the verdict: its answer was not taken, a late answer.
void on_hangup(LegState& st, LegCause cause) {
  if (st.answer == BranchAnswer::pending) st.answer = BranchAnswer::late;
  if (st.pending_end) return finish(st, st.pending_end->by, hangup_reason_for(cause, st.answer));
  end_locally(st, cause);
}

// Its groupcall took its answer for good; an end that waited for this completes.
void on_won(LegState& st) {
  if (st.answer != BranchAnswer::pending) return;
  st.answer = BranchAnswer::won;
  if (st.pending_end) conclude(st, *st.pending_end);
}

void on_report(LegState& st, LegReport report, std::string sdp) {
  auto status = st.call->status;
  bool before_answer = status == CallStatus::dialing || status == CallStatus::ringing;
  // Canceling and terminating take no answer: the leg is already ending.
  switch (report) {
    case LegReport::ringing:
      if (status == CallStatus::dialing) move_to(st, CallStatus::ringing);
      return;
    case LegReport::answered:
      if (before_answer && move_to(st, CallStatus::progressing, [&](Call& c) {
            if (!sdp.empty()) c.sdp_answer = Text(sdp);
          })) {
        st.answer = BranchAnswer::pending;
        st.self->send(st.groupcall, answered_atom::value, ResourceKind::call, st.call->id);
      }
      return;
    case LegReport::busy:
      if (!before_answer) return;
      st.self->send(st.groupcall, declined_atom::value, st.call->id);
      finish(st, HangupBy::remote, HangupReason::busy);
      return;
    case LegReport::rejected:
      if (!before_answer) return;
      // A decline (603) is not a line in use: VoIPbin counts it as not answered.
      st.self->send(st.groupcall, declined_atom::value, st.call->id);
      finish(st, HangupBy::remote, HangupReason::noanswer);
      return;
    case LegReport::no_answer:
      if (before_answer) finish(st, HangupBy::remote, HangupReason::noanswer);
      return;
    case LegReport::failed:
      finish(st, HangupBy::remote, HangupReason::failed);
      return;
    case LegReport::remote_hangup:
      // Before an answer the far end gave up ringing: that call was never answered.
      if (before_answer) return finish(st, HangupBy::remote, HangupReason::noanswer);
      if (status == CallStatus::progressing)
        conclude(st, PendingEnd{HangupBy::remote, LegCause::normal});
      return;
  }
}

// A conference asks for the call's seat: only an answered call in no conference
// yet gives it. An answer its groupcall has not yet taken for good counts: one the
// groupcall turns down hangs up, and its participant leaves with it.
SeatAnswer on_seat(LegState& st, const Uuid& conferencecall_id, const Uuid& conference_id,
                   conference_roll_actor conference) {
  auto status = st.call->status;
  if (status == CallStatus::hangup || status == CallStatus::terminating ||
      status == CallStatus::canceling) {
    return SeatAnswer::ended;
  }
  if (status != CallStatus::progressing) {
    return SeatAnswer::not_answered;
  }
  if (st.seat) return SeatAnswer::in_conference;
  st.seat =
      std::make_unique<ConferenceSeat>(ConferenceSeat{conferencecall_id, std::move(conference)});
  auto next = std::make_shared<Call>(*st.call);
  next->conference_id = conference_id;
  next->tm_update = st.engine->clock.now();
  st.call = next;
  commit(*st.engine, EventType::call_updated, std::move(next));
  return SeatAnswer::taken;
}

// The participant holding the seat has left: the call may join another conference.
void on_left_conference(LegState& st, const Uuid& conferencecall_id) {
  if (!st.seat || st.seat->conferencecall_id != conferencecall_id) return;
  st.seat.reset();
  if (is_final(st.call->status)) return;
  auto next = std::make_shared<Call>(*st.call);
  next->conference_id = Uuid();
  next->tm_update = st.engine->clock.now();
  st.call = next;
  commit(*st.engine, EventType::call_updated, std::move(next));
}

// The state of the leg whose message this thread handles (null only if CAF ran a
// handler outside the leg's resume(), which it does not).
LegState* running_state() noexcept {
  auto* leg = CallLegActor::running();
  return leg ? &leg->state() : nullptr;
}

// Every leg's handlers, built once and shared (running_actor.hpp).
const call_leg_actor::behavior_type& leg_behaviour() {
  static const call_leg_actor::behavior_type shared{
      [](LegReport report, std::string& sdp) {
        if (auto* st = running_state()) on_report(*st, report, std::move(sdp));
      },
      [](hangup_atom, LegCause cause) {
        if (auto* st = running_state()) on_hangup(*st, cause);
      },
      [](won_atom) {
        if (auto* st = running_state()) on_won(*st);
      },
      [](hangup_atom, const CallReply& reply) {
        auto* st = running_state();
        if (!st) return;
        end_locally(*st, LegCause::normal);
        reply(*st->call);
      },
      [](seat_atom, const Uuid& conferencecall_id, const Uuid& conference_id,
         conference_roll_actor conference) {
        auto* st = running_state();
        if (!st) return SeatAnswer::ended;
        return on_seat(*st, conferencecall_id, conference_id, std::move(conference));
      },
      [](left_atom, const Uuid& conferencecall_id) {
        if (auto* st = running_state()) on_left_conference(*st, conferencecall_id);
      },
  };
  return shared;
}

call_leg_actor::behavior_type call_leg(LegSelf self, EngineContext* engine,
                                       std::shared_ptr<const Call> call, groupcall_actor groupcall,
                                       DialContextPtr dial_context) {
  log_escaped_exceptions(self);
  auto state = std::make_unique<LegState>(self, engine, std::move(call), std::move(groupcall));
  auto* st = state.get();
  self->adopt(std::move(state));
  announce(*engine, EventType::call_created, st->call);
  WorkerScope scope(self->context());
  engine->legs_dialled.fetch_add(1, std::memory_order_relaxed);
  engine->driver->dial(DialRequest{*st->call,
                                   dial_context ? dial_context->alert_info : std::string_view{},
                                   dial_context ? dial_context->sdp_offer : std::string_view{},
                                   detail::LineAccess::to<LegLine>(self)});
  announce(*engine, EventType::call_dialing, st->call);
  return leg_behaviour();
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
