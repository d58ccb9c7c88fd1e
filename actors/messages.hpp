#pragma once
// Every message the engine's actors exchange, and their typed interfaces, in one
// place. The compiler checks each send against these signatures. Heavy (CAF):
// include only from actor implementation files, never from public headers.

#include <cstdint>
#include <functional>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "model/call.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"
#include "transport/leg_driver.hpp"

namespace caf {
class actor_system_config;
}

namespace chorus {

using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using answered_atom = caf::atom_constant<caf::atom("answered")>;
using ended_atom = caf::atom_constant<caf::atom("ended")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using died_atom = caf::atom_constant<caf::atom("died")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using won_atom = caf::atom_constant<caf::atom("won")>;

// Replies to API requests travel as callbacks: the API thread never blocks on an
// actor, and the callback runs on the actor's thread, so it must be short.
using CallReply = std::function<void(Result<Call>)>;
using GroupcallReply = std::function<void(Result<Groupcall>)>;

// The timers a groupcall arms; a generation number tells a stale expiry apart.
enum class GroupcallTimer : std::uint8_t { ring, answer };

// Anything a groupcall rings, a call leg or a nested groupcall: both end on request,
// and both learn from their groupcall that the answer they reported was taken for
// good (won). A hangup from the groupcall before that means it was not taken.
using branch_actor =
    caf::typed_actor<caf::reacts_to<hangup_atom, LegCause>, caf::reacts_to<won_atom>>;

using call_leg_actor = branch_actor::extend<
    // What the far end did, through the leg's LegLine.
    caf::reacts_to<LegReport>,
    // An API hangup: ends the leg and replies with its snapshot.
    caf::reacts_to<hangup_atom, CallReply>>;

using groupcall_actor = branch_actor::extend<
    // A branch (leg or nested groupcall) was answered; the groupcall decides.
    caf::reacts_to<answered_atom, ResourceKind, Uuid>,
    // A branch ended, with its hangup reason.
    caf::reacts_to<ended_atom, ResourceKind, Uuid, HangupReason>,
    caf::reacts_to<timeout_atom, GroupcallTimer, std::uint32_t>,
    // An API hangup: ends the groupcall and replies with its snapshot.
    caf::reacts_to<hangup_atom, GroupcallReply>,
    // An API hangup of one of its legs, sent here while the leg may not exist yet.
    caf::reacts_to<hangup_atom, Uuid, CallReply>,
    // An API delete: hangs up, then stamps tm_delete and replies.
    caf::reacts_to<delete_atom, GroupcallReply>>;

using supervisor_actor = caf::typed_actor<
    // Drives the supervisor's timer wheel.
    caf::reacts_to<tick_atom>,
    // A leg or groupcall actor died without ending its resource.
    caf::reacts_to<died_atom, ResourceKind, Uuid, caf::error>>;

using subscriber_actor = caf::typed_actor<caf::reacts_to<EventPtr>>;

// Announces every custom message type to the actor system.
void announce_message_types(caf::actor_system_config& config);

}  // namespace chorus

// Local-only types: callbacks and shared immutable events never leave the process.
// add_message_type also registers a vector of each, so those are allowed too.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::CallReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::GroupcallReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::EventPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::CallReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::GroupcallReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::EventPtr>)
