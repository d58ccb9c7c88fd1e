// The engine's side of conferences across the nodes of a cluster
// (actors/conference_peers.hpp): what another node's conference or participant
// asks of this node.
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/api_answers.hpp"
#include "actors/conference_actor.hpp"
#include "actors/engine.hpp"
#include "actors/engine_core.hpp"
#include "actors/peer_conference.hpp"
#include "actors/state_change.hpp"

namespace chorus {

void Engine::connect_conference_peers(std::shared_ptr<ConferencePeers> peers) {
  std::atomic_store(&core_->context().conference_peers, std::move(peers));
}

void Engine::seat_for_peer(const RemoteSeat& seat,
                           std::function<void(std::optional<Result<Conferencecall>>)> done) {
  auto& engine = core_->context();
  auto leg = engine.registry.calls.actor(seat.call_id);
  auto call = engine.registry.calls.find(seat.call_id);
  if (!leg || !call) return done(std::nullopt);  // the node that runs it answers
  if (call->customer_id != seat.customer_id) return done(Error::not_found("call"));
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  seat_for_peer_conference(
      engine, seat, caf::actor_cast<call_leg_actor>(leg),
      [done = std::move(done)](Result<Conferencecall> answer) { done(std::move(answer)); });
}

void Engine::join_for_peer(const RemoteJoin& join,
                           std::function<void(std::optional<Result<Conferencecall>>)> done) {
  auto& engine = core_->context();
  auto conference = engine.registry.conferences.find(join.conference_id);
  if (!conference || !engine.registry.conferences.actor(join.conference_id)) {
    return done(std::nullopt);  // the node that runs it answers
  }
  if (conference->customer_id != join.customer_id) return done(Error::not_found("conference"));
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  std::function<void(Result<Conferencecall>)> reply =
      [done = std::move(done)](Result<Conferencecall> r) { done(std::move(r)); };
  auto answer = [&engine, reply = std::move(reply)](Result<Conferencecall> result) {
    answer_when_committed(engine, std::move(result), reply);
  };
  chorus::join_conference(engine, join.customer_id, join.conference_id, join.call_id, Seat::peer,
                          ConferencecallReply(answer_once<Conferencecall>(std::move(answer), [] {
                            return Result<Conferencecall>(Error::conflict("conference has ended"));
                          })));
}

bool Engine::conference_news(const Uuid& conference_id, const Uuid& conferencecall_id,
                             ParticipantNews news) {
  auto actor = core_->context().registry.conferences.actor(conference_id);
  if (!actor) return false;
  auto conference = caf::actor_cast<conference_actor>(actor);
  if (news == ParticipantNews::joined) {
    caf::anon_send(conference, joined_atom::value, conferencecall_id);
  } else {
    caf::anon_send(conference, left_atom::value, conferencecall_id);
  }
  return true;
}

bool Engine::end_participant_for_peer(const Uuid& conferencecall_id) {
  auto& engine = core_->context();
  auto actor = engine.registry.conferencecalls.actor(conferencecall_id);
  auto participant = engine.registry.conferencecalls.find(conferencecall_id);
  // Only a participant of another node's conference: this node ends its own.
  if (!actor || !participant || engine.registry.conferences.find(participant->conference_id)) {
    return false;
  }
  caf::anon_send(caf::actor_cast<conferencecall_actor>(actor), leave_atom::value,
                 LeaveCause::conference_ended);
  return true;
}

}  // namespace chorus
