#include "actors/conference_actor.hpp"

#include <algorithm>
#include <optional>
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
#include "actors/peer_conference.hpp"
#include "actors/state_change.hpp"
#include "actors/supervision.hpp"
#include "actors/worker_send.hpp"
#include "model/conference_transitions.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

struct Participant {
  conferencecall_actor actor;  // null: another node runs it, beside its call
  bool joined = false;         // the driver confirmed its join
};

// A seat asked of the node that runs the call (conference_peers.hpp): the client's
// reply, and what that node told of the participant before its answer came (its
// news may overtake it: they cross NATS separately).
struct PeerSeat {
  ConferencecallReply reply;
  bool joined = false;
  bool left = false;
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
  // Of those, the ones asked of another node, by participant id.
  std::unordered_map<Uuid, PeerSeat> peer_seats;
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

// A participant another node runs is told to leave through the peers; if no node
// answers, nobody runs it any more (its node ended it, or is gone and will be
// taken over), so it is off the roll.
void end_participant_elsewhere(ConferenceSelf self, const Uuid& id) {
  auto conference = caf::actor_cast<conference_actor>(self);
  end_peer_participant(*self->state.engine, id,
                       [conference, id] { caf::anon_send(conference, left_atom::value, id); });
}

void make_leave(ConferenceSelf self, const Uuid& id, const Participant& p, LeaveCause cause) {
  if (p.actor) return self->send(p.actor, leave_atom::value, cause);
  end_participant_elsewhere(self, id);
}

// Ends the conference: terminating, every participant leaves, then finish().
void terminate(ConferenceSelf self) {
  auto& st = self->state;
  if (!st.progressing()) return finish(self);
  st.engine->timers.cancel(st.timeout);
  st.timeout = {};
  commit(*st.engine, EventType::conference_updated,
         changed(self, [](Conference& c) { c.status = ConferenceStatus::terminating; }));
  for (auto& [id, p] : st.participants) make_leave(self, id, p, LeaveCause::conference_ended);
  finish(self);
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
  auto participant =
      new_conferencecall(*st.engine, id, st.conference->id, call.customer_id, call.id);
  insert(*st.engine, participant);
  auto actor = spawn_conferencecall(*st.engine, self, participant,
                                    caf::actor_cast<conference_roll_actor>(self));
  st.engine->registry.conferencecalls.attach(id, caf::actor_cast<caf::strong_actor_ptr>(actor));
  st.participants.emplace(id, Participant{std::move(actor)});
  commit(*st.engine, EventType::conference_updated,
         changed(self, [&](Conference& c) { c.conferencecall_ids.push_back(id); }));
  reply(*participant);
}

// Why the conference takes no one now, if it does not.
std::optional<Error> closed(const ConferenceState& st) {
  if (!st.progressing()) {
    return Error::conflict("conference is " + std::string(to_string(st.conference->status)));
  }
  if (st.full()) {
    return Error::conflict("conference is full: max_participants is " +
                           std::to_string(st.conference->max_participants));
  }
  return std::nullopt;
}

void on_join(ConferenceSelf self, const Uuid& call_id, const ConferencecallReply& reply) {
  auto& st = self->state;
  if (auto why = closed(st)) return reply(*why);
  auto call = st.engine->registry.calls.find(call_id);
  if (!call || call->customer_id != st.conference->customer_id) {
    return reply(Error::not_found("call"));
  }
  auto owner = st.engine->registry.calls.actor(call_id);
  if (!owner || is_final(call->status)) return reply(seat_refusal(SeatAnswer::ended));
  auto leg = caf::actor_cast<call_leg_actor>(owner);
  auto id = Uuid::generate();
  ++st.seats_pending;
  self->request(leg, caf::infinite, seat_atom::value, id, st.conference->id,
                caf::actor_cast<conference_roll_actor>(self))
      .then(
          [=](SeatAnswer answer) {
            --self->state.seats_pending;
            if (answer != SeatAnswer::taken) {
              reply(seat_refusal(answer));
              return finish(self);
            }
            admit(self, id, *call, leg, reply);
          },
          [=](caf::error&) {
            // The leg ended before it read the request.
            --self->state.seats_pending;
            reply(seat_refusal(SeatAnswer::ended));
            finish(self);
          });
}

// A call another node runs joins: that node is asked for the seat, and the
// participant's id is on the roll's waiting list until it answers.
void on_peer_join(ConferenceSelf self, const Uuid& call_id, const ConferencecallReply& reply) {
  auto& st = self->state;
  if (auto why = closed(st)) return reply(*why);
  auto peers = st.engine->peers();
  if (!peers) return reply(Error::not_found("call"));
  auto id = Uuid::generate();
  ++st.seats_pending;
  st.peer_seats.emplace(id, PeerSeat{reply});
  auto conference = caf::actor_cast<conference_actor>(self);
  peers->seat(RemoteSeat{st.conference->customer_id, st.conference->id, call_id, id},
              [conference, id](Result<Conferencecall> answer) {
                caf::anon_send(conference, seated_atom::value, id,
                               PeerSeatAnswer{std::move(answer)});
              });
}

void on_joined(ConferenceSelf self, const Uuid& id);
void on_left(ConferenceSelf self, const Uuid& id);

// The call's node answered: the participant it runs is on the roll, or why not.
void on_seated(ConferenceSelf self, const Uuid& id, const Result<Conferencecall>& answer) {
  auto& st = self->state;
  auto waiting = st.peer_seats.find(id);
  if (waiting == st.peer_seats.end()) return;
  auto seat = std::move(waiting->second);
  st.peer_seats.erase(waiting);
  --st.seats_pending;
  if (!answer) {
    seat.reply(answer.error());
    return finish(self);
  }
  if (!st.progressing()) {
    end_participant_elsewhere(self, id);  // it joined as the conference ended: out again
    seat.reply(Error::conflict("conference is " + std::string(to_string(st.conference->status))));
    return finish(self);
  }
  st.participants.emplace(id, Participant{});
  commit(*st.engine, EventType::conference_updated,
         changed(self, [&](Conference& c) { c.conferencecall_ids.push_back(id); }));
  seat.reply(*answer);
  if (seat.joined) on_joined(self, id);
  if (seat.left) on_left(self, id);
}

void on_joined(ConferenceSelf self, const Uuid& id) {
  auto& st = self->state;
  if (auto waiting = st.peer_seats.find(id); waiting != st.peer_seats.end()) {
    waiting->second.joined = true;
    return;
  }
  auto p = st.participants.find(id);
  if (p == st.participants.end() || p->second.joined) return;
  p->second.joined = true;
  if (++st.joined >= 2) st.connected = true;
}

// A participant has left: it leaves conferencecall_ids. A connect conference with
// fewer than two left ends.
void on_left(ConferenceSelf self, const Uuid& id) {
  auto& st = self->state;
  if (auto waiting = st.peer_seats.find(id); waiting != st.peer_seats.end()) {
    waiting->second.left = true;
    return;
  }
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
  if (p != st.participants.end()) make_leave(self, id, p->second, LeaveCause::call_ended);
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
      [=](peer_join_atom, const Uuid& call_id, const ConferencecallReply& reply) {
        on_peer_join(self, call_id, reply);
      },
      [=](seated_atom, const Uuid& id, const PeerSeatAnswer& answer) {
        on_seated(self, id, answer.participant);
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
                     const Uuid& call_id, Seat where, ConferencecallReply reply) {
  auto snapshot = engine.registry.conferences.find(conference_id);
  if (!snapshot || snapshot->customer_id != customer_id) {
    return reply(Error::not_found("conference"));
  }
  auto actor = engine.registry.conferences.actor(conference_id);
  if (!actor) return reply(Error::conflict("conference has ended"));
  auto conference = caf::actor_cast<conference_actor>(actor);
  if (where == Seat::peer) {
    return caf::anon_send(conference, peer_join_atom::value, call_id, std::move(reply));
  }
  caf::anon_send(conference, join_atom::value, call_id, std::move(reply));
}

}  // namespace chorus
