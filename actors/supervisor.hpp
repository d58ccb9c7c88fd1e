#pragma once
// The supervisor: one actor per shard. It drives its shard's timer wheel (every
// ring and answer timer, and the simulated driver's, fire from here) and reaps
// leg, groupcall, conference and conferencecall actors that die without ending
// their resource: the resource is finalised (hangup with reason failed; leaved;
// terminated), the driver is told to release the leg or take it out of the
// bridge, and the parent goes on or ends as it would for any failed branch.

#include <cstddef>

#include "actors/messages.hpp"

namespace chorus {

struct EngineContext;

supervisor_actor spawn_supervisor(EngineContext& engine, std::size_t shard);
// Actors each shard runs for as long as the engine does: its supervisor and the
// relay that hands the supervisor's ticks back to it.
constexpr std::size_t actors_per_shard = 2;

// Finalises a resource whose actor is gone; used by the supervisor and by shutdown.
void reap_call(EngineContext& engine, const Uuid& id);
void reap_groupcall(EngineContext& engine, const Uuid& id);
void reap_conference(EngineContext& engine, const Uuid& id);
void reap_conferencecall(EngineContext& engine, const Uuid& id);

}  // namespace chorus
