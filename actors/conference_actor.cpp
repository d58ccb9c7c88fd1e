#include "actors/conference_actor.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/conferencecall_actor.hpp"
#include "actors/deletion.hpp"
#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/conference_transitions.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

struct Participant {
  conferencecall_actor actor;
  bool joined = false;  // the driver confirmed its join
};

struct ConferenceState {
  static inline const char* name = "conference";

  EngineContext* engine = nullptr;
  std::shared_ptr<const Conference> conference;
  // Participants not yet leaved; their order is the snapshot's conferencecall_ids.
  std::unordered_map<Uuid, Participant> participants;
  // Joins whose call has been asked for its seat: they count against
  // max_participants until the call answers.
  std::size_t seats_pending = 0;
  std::size_t joined = 0;
  // connect: two participants were in at once; from then on fewer than two ends it.
  bool connected = false;
  TimerService::Token timeout;
  std::vector<ConferenceReply> deletions;  // answered once it is terminated

  bool progressing() const { return conference->status == ConferenceStatus::progressing; }
  bool full() const {
    auto max = conference->max_participants;
    return max > 0 && participants.size() + seats_pending >= static_cast<std::size_t>(max);
  }
};

using ConferenceSelf = conference_actor::stateful_pointer<ConferenceState>;

// Copies the snapshot, applies `edit` and stamps tm_update.
template <class Edit>
std::shared_ptr<const Conference> changed(ConferenceSelf self, Edit&& edit) {
  auto& st = self->state;
  auto next = std::make_shared<Conference>(*st.conference);
  edit(*next);
  next->tm_update = st.engine->clock.now();
  st.conference = next;
  return next;
}

void arm_timeout(ConferenceSelf self) {
  auto& st = self->state;
  st.engine->timers.cancel(st.timeout);
  st.timeout = {};
  if (st.conference->timeout <= 0) return;
  // Counted from its creation, so that a PUT of timeout moves the same deadline.
  auto deadline =
      st.conference->tm_create.micros() + std::int64_t{st.conference->timeout} * 1'000'000;
  auto left = std::max<std::int64_t>(0, deadline - st.engine->clock.now().micros());
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  st.timeout = st.engine->timers.schedule(std::chrono::microseconds(left), [weak] {
    if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(weak)) {
      worker_send(caf::actor_cast<conference_actor>(strong), timeout_atom::value);
    }
  });
}

// The last move: terminated, tm_end set; a pending DELETE stamps tm_delete.
void finish(ConferenceSelf self) {
  auto& st = self->state;
  if (!st.participants.empty() || st.seats_pending > 0) return;
  if (!conference_transition_allowed(st.conference->status, ConferenceStatus::terminated)) return;
  st.engine->timers.cancel(st.timeout);
  auto now = st.engine->clock.now();
  auto snapshot = changed(self, [&](Conference& c) {
    c.status = ConferenceStatus::terminated;
    c.tm_end = now;
  });
  commit(*st.engine, EventType::conference_updated, snapshot);
  if (!st.deletions.empty()) {
    snapshot = delete_conference(*st.engine, snapshot);
    for (auto& reply : st.deletions) reply(*snapshot);
  }
  retire_conference(*st.engine, snapshot->id);
  self->quit();
}

// Ends the conference: terminating, every participant leaves, then finish().
void terminate(ConferenceSelf self) {
  auto& st = self->state;
  if (!st.progressing()) return finish(self);
  st.engine->timers.cancel(st.timeout);
  st.timeout = {};
  commit(*st.engine, EventType::conference_updated,
         changed(self, [](Conference& c) { c.status = ConferenceStatus::terminating; }));
  for (auto& [id, p] : st.participants) {
    self->send(p.actor, leave_atom::value, LeaveCause::conference_ended);
  }
  finish(self);
}

Error refusal(SeatAnswer answer) {
  static const char* const reasons[] = {"", "call is not answered", "call has ended",
                                        "call is already in a conference"};
  return Error::conflict(reasons[static_cast<std::size_t>(answer)]);
}

// The call gave its seat: the participant starts joining.
void admit(ConferenceSelf self, const Uuid& id, const Call& call, call_leg_actor leg,
           const ConferencecallReply& reply) {
  auto& st = self->state;
  if (!st.progressing()) {
    self->send(leg, left_atom::value, id);  // give the seat back
    reply(Error::conflict("conference is " + std::string(to_string(st.conference->status))));
    return finish(self);
  }
  auto participant = std::make_shared<Conferencecall>();
  participant->id = id;
  participant->customer_id = call.customer_id;
  participant->conference_id = st.conference->id;
  participant->reference_type = ConferencecallReferenceType::call;
  participant->reference_id = call.id;
  participant->status = ConferencecallStatus::joining;
  participant->tm_create = participant->tm_update = st.engine->clock.creation_time();
  insert(*st.engine, participant);
  auto actor =
      spawn_conferencecall(*st.engine, self, participant, caf::actor_cast<conference_actor>(self));
  st.engine->registry.conferencecalls.attach(id, caf::actor_cast<caf::strong_actor_ptr>(actor));
  st.participants.emplace(id, Participant{std::move(actor)});
  commit(*st.engine, EventType::conference_updated,
         changed(self, [&](Conference& c) { c.conferencecall_ids.push_back(id); }));
  reply(*participant);
}

void on_join(ConferenceSelf self, const Uuid& call_id, const ConferencecallReply& reply) {
  auto& st = self->state;
  if (!st.progressing()) {
    return reply(Error::conflict("conference is " + std::string(to_string(st.conference->status))));
  }
  if (st.full()) {
    return reply(Error::conflict("conference is full: max_participants is " +
                                 std::to_string(st.conference->max_participants)));
  }
  auto call = st.engine->registry.calls.find(call_id);
  if (!call || call->customer_id != st.conference->customer_id) {
    return reply(Error::not_found("call"));
  }
  auto owner = st.engine->registry.calls.actor(call_id);
  if (!owner || is_final(call->status)) return reply(refusal(SeatAnswer::ended));
  auto leg = caf::actor_cast<call_leg_actor>(owner);
  auto id = Uuid::generate();
  ++st.seats_pending;
  self->request(leg, caf::infinite, seat_atom::value, id, st.conference->id,
                caf::actor_cast<conference_actor>(self))
      .then(
          [=](SeatAnswer answer) {
            --self->state.seats_pending;
            if (answer != SeatAnswer::taken) {
              reply(refusal(answer));
              return finish(self);
            }
            admit(self, id, *call, leg, reply);
          },
          [=](caf::error&) {
            // The leg ended before it read the request.
            --self->state.seats_pending;
            reply(refusal(SeatAnswer::ended));
            finish(self);
          });
}

void on_joined(ConferenceSelf self, const Uuid& id) {
  auto& st = self->state;
  auto p = st.participants.find(id);
  if (p == st.participants.end() || p->second.joined) return;
  p->second.joined = true;
  if (++st.joined >= 2) st.connected = true;
}

// A participant has left: it leaves conferencecall_ids. A connect conference with
// fewer than two left ends.
void on_left(ConferenceSelf self, const Uuid& id) {
  auto& st = self->state;
  auto p = st.participants.find(id);
  if (p == st.participants.end()) return;
  if (p->second.joined) --st.joined;
  st.participants.erase(p);
  commit(*st.engine, EventType::conference_updated, changed(self, [&](Conference& c) {
    auto& ids = c.conferencecall_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }));
  if (!st.progressing()) return finish(self);
  if (effective(st.conference->type) == ConferenceType::connect && st.connected &&
      st.participants.size() < 2) {
    terminate(self);
  }
}

void on_call_ended(ConferenceSelf self, const Uuid& id) {
  auto& st = self->state;
  auto p = st.participants.find(id);
  if (p != st.participants.end()) {
    self->send(p->second.actor, leave_atom::value, LeaveCause::call_ended);
  }
}

void on_update(ConferenceSelf self, const ConferenceUpdate& update, const ConferenceReply& reply) {
  auto& st = self->state;
  if (!st.progressing()) {
    return reply(Error::conflict("conference is " + std::string(to_string(st.conference->status))));
  }
  auto next = std::make_shared<Conference>(*st.conference);
  if (!apply(update, *next)) return reply(*st.conference);  // nothing changed
  next->tm_update = st.engine->clock.now();
  bool timeout_changed = next->timeout != st.conference->timeout;
  st.conference = next;
  commit(*st.engine, EventType::conference_updated, next);
  reply(*next);
  if (timeout_changed) arm_timeout(self);
}

conference_actor::behavior_type conference(ConferenceSelf self, EngineContext* engine,
                                           std::shared_ptr<const Conference> snapshot) {
  auto& st = self->state;
  st.engine = engine;
  st.conference = std::move(snapshot);
  supervise(*engine, self, ResourceKind::conference, st.conference->id);
  announce(*engine, EventType::conference_created, st.conference);
  arm_timeout(self);
  return {
      [=](join_atom, const Uuid& call_id, const ConferencecallReply& reply) {
        on_join(self, call_id, reply);
      },
      [=](joined_atom, const Uuid& id) { on_joined(self, id); },
      [=](left_atom, const Uuid& id) { on_left(self, id); },
      [=](hangup_atom, const Uuid& id) { on_call_ended(self, id); },
      [=](update_atom, const ConferenceUpdate& update, const ConferenceReply& reply) {
        on_update(self, update, reply);
      },
      [=](delete_atom, const ConferenceReply& reply) {
        self->state.deletions.push_back(reply);
        terminate(self);
      },
      [=](timeout_atom) {
        spdlog::debug("conference {}: timeout", self->state.conference->id.to_string());
        terminate(self);
      },
      [=](hangup_atom, LegCause) { terminate(self); },
  };
}

}  // namespace

conference_actor spawn_conference(EngineContext& engine,
                                  std::shared_ptr<const Conference> snapshot) {
  auto id = snapshot->id;
  auto actor = engine.system.spawn(conference, &engine, std::move(snapshot));
  engine.registry.conferences.attach(id, caf::actor_cast<caf::strong_actor_ptr>(actor));
  return actor;
}

void join_conference(EngineContext& engine, const Uuid& customer_id, const Uuid& conference_id,
                     const Uuid& call_id, ConferencecallReply reply) {
  auto snapshot = engine.registry.conferences.find(conference_id);
  if (!snapshot || snapshot->customer_id != customer_id) {
    return reply(Error::not_found("conference"));
  }
  auto actor = engine.registry.conferences.actor(conference_id);
  if (!actor) return reply(Error::conflict("conference has ended"));
  caf::anon_send(caf::actor_cast<conference_actor>(actor), join_atom::value, call_id,
                 std::move(reply));
}

}  // namespace chorus
