#pragma once
// The conferencecall actor: one per participant of a conference. It asks the leg
// driver to move its call into the conference's bridge and out again, follows the
// driver's confirmations through the forward-only conferencecall state machine
// (joining -> joined -> leaving -> leaved) and commits every change. Whatever
// makes it leave (a kick, its call's hangup, the conference ending), it leaves
// once: a second request finds it leaving and changes nothing.

#include <memory>

#include <caf/fwd.hpp>

#include "actors/messages.hpp"
#include "model/conferencecall.hpp"
#include "model/result.hpp"

namespace chorus {

struct EngineContext;

// A participant `id` of `conference_id` for the customer's call `call_id`,
// joining, stamped now: what a conference of this node and the stand-in of
// another node's both admit.
std::shared_ptr<Conferencecall> new_conferencecall(EngineContext& engine, const Uuid& id,
                                                   const Uuid& conference_id,
                                                   const Uuid& customer_id, const Uuid& call_id);

// Why a call that did not give its seat cannot join (409).
Error seat_refusal(SeatAnswer answer);

// `participant` is the initial snapshot (joining), already in the registry.
// Spawned by its conference (`parent`), or by the stand-in of a conference another
// node runs, which it tells when it joined and left.
conferencecall_actor spawn_conferencecall(EngineContext& engine, caf::local_actor* parent,
                                          std::shared_ptr<const Conferencecall> participant,
                                          conference_roll_actor conference);

}  // namespace chorus
