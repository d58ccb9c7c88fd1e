#pragma once
// A conference another node of the cluster runs, as the participant this node runs
// for it sees it (actors/conference_peers.hpp). A node bridges only the calls it
// runs, so a call of this node that joins another node's conference has its
// participant here, beside it; this stand-in takes the participant's and the
// call's news (the roll: joined, left, the call ended) in the conference's place
// and passes the roll's part on to the conference's node.
//
// Spawned for one seat. It asks the call for its seat, and when the call gives it,
// spawns the participant (joining) and answers once that is committed; it ends
// with the participant.

#include <functional>
#include <optional>

#include "actors/conference_peers.hpp"
#include "actors/messages.hpp"

namespace chorus {

struct EngineContext;

// A participant of another node's conference that ended here without its stand-in
// (its actor died, or this node took over the node that ran it): the conference's
// node is told it left. Nothing on a lone node.
void tell_peer_conference_left(EngineContext& engine, const Conferencecall& participant);

// A participant another node runs, of a conference of this node that ended without
// its actor (it died, or this node took over the node that ran it): its node is
// told to make it leave. `undelivered` runs when no node answered.
void end_peer_participant(EngineContext& engine, const Uuid& conferencecall_id,
                          std::function<void()> undelivered = nullptr);

// Seats `seat.call_id`, whose leg is `leg`, for another node's conference; `done`
// gets the participant or why not.
void seat_for_peer_conference(EngineContext& engine, const RemoteSeat& seat, call_leg_actor leg,
                              ConferencecallReply done);

}  // namespace chorus
