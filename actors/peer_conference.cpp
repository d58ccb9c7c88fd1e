#include "actors/peer_conference.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/conferencecall_actor.hpp"
#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"

namespace chorus {

namespace {

struct PeerConferenceState {
  static inline const char* name = "peer_conference";

  EngineContext* engine = nullptr;
  RemoteSeat seat;
  conferencecall_actor participant;  // once the call gave its seat
};

using PeerConferenceSelf = conference_roll_actor::stateful_pointer<PeerConferenceState>;

// Passes a participant's news on to its conference's node once what this node
// changed so far is committed: that node (and its clients) then reads the
// participant as the news has it, whichever node reads it.
void tell_when_committed(EngineContext& engine, const Uuid& conference_id,
                         const Uuid& conferencecall_id, ParticipantNews news) {
  when_committed(engine, [&engine, conference_id, conferencecall_id, news](const Status&) {
    if (auto peers = engine.peers()) {
      peers->tell_conference(conference_id, conferencecall_id, news);
    }
  });
}

void tell_conference(PeerConferenceSelf self, ParticipantNews news) {
  auto& st = self->state;
  tell_when_committed(*st.engine, st.seat.conference_id, st.seat.conferencecall_id, news);
}

// The call gave its seat: its participant joins, and the conference's node has
// the answer once the participant is committed. (The seat's customer is the
// call's: Engine::seat_for_peer checked it.)
void seated(PeerConferenceSelf self, const ConferencecallReply& done) {
  auto& st = self->state;
  auto participant =
      new_conferencecall(*st.engine, st.seat.conferencecall_id, st.seat.conference_id,
                         st.seat.customer_id, st.seat.call_id);
  insert(*st.engine, participant);
  st.participant = spawn_conferencecall(*st.engine, self, participant,
                                        caf::actor_cast<conference_roll_actor>(self));
  st.engine->registry.conferencecalls.attach(
      participant->id, caf::actor_cast<caf::strong_actor_ptr>(st.participant));
  answer_when_committed(*st.engine, Result<Conferencecall>(*participant), done);
}

conference_roll_actor::behavior_type peer_conference(PeerConferenceSelf self, EngineContext* engine,
                                                     RemoteSeat seat, call_leg_actor leg,
                                                     ConferencecallReply done) {
  auto& st = self->state;
  st.engine = engine;
  st.seat = seat;
  self->request(leg, caf::infinite, seat_atom::value, seat.conferencecall_id, seat.conference_id,
                caf::actor_cast<conference_roll_actor>(self))
      .then(
          [=](SeatAnswer answer) {
            if (answer != SeatAnswer::taken) {
              done(seat_refusal(answer));
              return self->quit();
            }
            seated(self, done);
          },
          [=](caf::error&) {
            // The leg ended before it read the request.
            done(seat_refusal(SeatAnswer::ended));
            self->quit();
          });
  return {
      [=](joined_atom, const Uuid&) { tell_conference(self, ParticipantNews::joined); },
      [=](left_atom, const Uuid&) {
        tell_conference(self, ParticipantNews::left);
        self->quit();
      },
      [=](hangup_atom, const Uuid&) {
        // Its call ended: the participant leaves, as a conference of this node has it.
        if (self->state.participant) {
          self->send(self->state.participant, leave_atom::value, LeaveCause::call_ended);
        }
      },
  };
}

}  // namespace

void tell_peer_conference_left(EngineContext& engine, const Conferencecall& participant) {
  tell_when_committed(engine, participant.conference_id, participant.id, ParticipantNews::left);
}

void end_peer_participant(EngineContext& engine, const Uuid& conferencecall_id,
                          std::function<void()> undelivered) {
  auto peers = engine.peers();
  if (!peers) {
    if (undelivered) undelivered();
    return;
  }
  peers->end_participant(conferencecall_id, [undelivered = std::move(undelivered)](bool delivered) {
    if (!delivered && undelivered) undelivered();
  });
}

void seat_for_peer_conference(EngineContext& engine, const RemoteSeat& seat, call_leg_actor leg,
                              ConferencecallReply done) {
  engine.system.spawn(peer_conference, &engine, seat, std::move(leg), std::move(done));
}

}  // namespace chorus
