#include "actors/conferencecall_actor.hpp"

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/local_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/engine_context.hpp"
#include "actors/line_access.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/conference_transitions.hpp"

namespace chorus {

namespace {

struct ConferencecallState {
  static inline const char* name = "conferencecall";

  EngineContext* engine = nullptr;
  std::shared_ptr<const Conferencecall> participant;
  conference_roll_actor conference;
};

using ParticipantSelf = conferencecall_actor::stateful_pointer<ConferencecallState>;

// Moves the participant to `to` and commits it with its event. A move the state
// machine refuses changes nothing.
bool move_to(ParticipantSelf self, ConferencecallStatus to) {
  auto& st = self->state;
  if (!conferencecall_transition_allowed(st.participant->status, to)) return false;
  auto next = std::make_shared<Conferencecall>(*st.participant);
  next->status = to;
  next->tm_update = st.engine->clock.now();
  st.participant = next;
  commit(*st.engine, event_for(to), std::move(next));
  return true;
}

BridgeRequest bridge_request(ParticipantSelf self) {
  auto& p = *self->state.participant;
  return BridgeRequest{p.conference_id, p.id, p.reference_id,
                       detail::LineAccess::to<BridgeLine>(self)};
}

// Leaves the bridge: leaving now, leaved once the driver confirms.
bool leave(ParticipantSelf self, LeaveCause cause) {
  auto& st = self->state;
  if (!move_to(self, ConferencecallStatus::leaving)) return false;
  spdlog::debug("conferencecall {} leaving: {}", st.participant->id.to_string(), to_string(cause));
  WorkerScope scope(self->context());
  st.engine->driver->leave_bridge(bridge_request(self));
  return true;
}

// The last move: leaved. Its conference and its call (which may join another
// conference now) learn of it, and the actor quits.
void on_left(ParticipantSelf self) {
  auto& st = self->state;
  if (!move_to(self, ConferencecallStatus::leaved)) return;
  auto& p = *st.participant;
  self->send(st.conference, left_atom::value, p.id);
  if (auto leg = st.engine->registry.calls.actor(p.reference_id)) {
    self->send(caf::actor_cast<call_leg_actor>(leg), left_atom::value, p.id);
  }
  retire_conferencecall(*st.engine, p.id);
  self->quit();
}

void on_confirm(ParticipantSelf self, BridgeReport report) {
  auto& st = self->state;
  if (report == BridgeReport::left) return on_left(self);
  // A join confirmed after the participant began to leave changes nothing.
  if (move_to(self, ConferencecallStatus::joined)) {
    self->send(st.conference, joined_atom::value, st.participant->id);
  }
}

conferencecall_actor::behavior_type conferencecall(ParticipantSelf self, EngineContext* engine,
                                                   std::shared_ptr<const Conferencecall> snapshot,
                                                   conference_roll_actor conference) {
  auto& st = self->state;
  st.engine = engine;
  st.participant = std::move(snapshot);
  st.conference = std::move(conference);
  supervise(*engine, self, ResourceKind::conferencecall, st.participant->id);
  announce(*engine, EventType::conferencecall_joining, st.participant);
  {
    WorkerScope scope(self->context());
    engine->driver->join_bridge(bridge_request(self));
  }
  return {
      [=](BridgeReport report) { on_confirm(self, report); },
      [=](leave_atom, LeaveCause cause) { leave(self, cause); },
      [=](leave_atom, const ConferencecallReply& reply) {
        // Refused (409) once it is leaving or has left: a kick never repeats a leave.
        if (!leave(self, LeaveCause::kicked)) {
          return reply(Error::conflict("conferencecall is already " +
                                       std::string(to_string(self->state.participant->status))));
        }
        reply(*self->state.participant);
      },
  };
}

}  // namespace

std::shared_ptr<Conferencecall> new_conferencecall(EngineContext& engine, const Uuid& id,
                                                   const Uuid& conference_id,
                                                   const Uuid& customer_id, const Uuid& call_id) {
  auto participant = std::make_shared<Conferencecall>();
  participant->id = id;
  participant->customer_id = customer_id;
  participant->conference_id = conference_id;
  participant->reference_type = ConferencecallReferenceType::call;
  participant->reference_id = call_id;
  participant->status = ConferencecallStatus::joining;
  participant->tm_create = participant->tm_update = engine.clock.creation_time();
  return participant;
}

Error seat_refusal(SeatAnswer answer) {
  static const char* const reasons[] = {"", "call is not answered", "call has ended",
                                        "call is already in a conference"};
  return Error::conflict(reasons[static_cast<std::size_t>(answer)]);
}

conferencecall_actor spawn_conferencecall(EngineContext& engine, caf::local_actor* parent,
                                          std::shared_ptr<const Conferencecall> participant,
                                          conference_roll_actor conference) {
  return parent->spawn(conferencecall, &engine, std::move(participant), std::move(conference));
}

}  // namespace chorus
