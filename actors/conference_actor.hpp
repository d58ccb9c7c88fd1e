#pragma once
// The conference actor: one per live conference. It is the only place that admits
// participants (status, max_participants, a call in one conference at most),
// keeps conferencecall_ids in join order, applies updates, and ends the
// conference: on DELETE, when its timeout passes, or for `connect` when fewer than
// two of its joined participants remain. Ending makes every participant leave;
// the conference is terminated (tm_end set) once the last one has left.

#include <cstdint>
#include <memory>

#include "actors/messages.hpp"
#include "model/conference.hpp"

namespace chorus {

struct EngineContext;

// Spawns the actor of `conference` (already registered, status progressing).
conference_actor spawn_conference(EngineContext& engine,
                                  std::shared_ptr<const Conference> conference);

// Where the call that joins runs: on this node, or on another node of the
// cluster, which then runs its participant (actors/conference_peers.hpp).
enum class Seat : std::uint8_t { here, peer };

// Asks the live conference `conference_id` to take `call_id` as a participant;
// `reply` gets the conferencecall (joining) or why not. From any thread.
void join_conference(EngineContext& engine, const Uuid& customer_id, const Uuid& conference_id,
                     const Uuid& call_id, Seat where, ConferencecallReply reply);

}  // namespace chorus
