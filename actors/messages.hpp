#pragma once
// Every message the engine's actors exchange, and their typed interfaces, in one
// place. The compiler checks each send against these signatures. Heavy (CAF):
// include only from actor implementation files, never from public headers.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/leg_driver.hpp"
#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conference_request.hpp"
#include "model/conferencecall.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace caf {
class actor_system_config;
}

namespace chorus {

using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using answered_atom = caf::atom_constant<caf::atom("answered")>;
using ended_atom = caf::atom_constant<caf::atom("ended")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using died_atom = caf::atom_constant<caf::atom("died")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using won_atom = caf::atom_constant<caf::atom("won")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using joined_atom = caf::atom_constant<caf::atom("joined")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using left_atom = caf::atom_constant<caf::atom("left")>;
using seat_atom = caf::atom_constant<caf::atom("seat")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using declined_atom = caf::atom_constant<caf::atom("declined")>;
using routed_atom = caf::atom_constant<caf::atom("routed")>;
using peer_join_atom = caf::atom_constant<caf::atom("peerjoin")>;
using seated_atom = caf::atom_constant<caf::atom("seated")>;

// Replies to API requests travel as callbacks: the API thread never blocks on an
// actor, and the callback runs on the actor's thread, so it must be short.
using CallReply = std::function<void(Result<Call>)>;
using GroupcallReply = std::function<void(Result<Groupcall>)>;
using ConferenceReply = std::function<void(Result<Conference>)>;
using ConferencecallReply = std::function<void(Result<Conferencecall>)>;
// Another node's answer to a conference's request for a seat (conference_peers.hpp):
// the participant it runs, or why not. (A message type needs a default value.)
struct PeerSeatAnswer {
  Result<Conferencecall> participant{Error::unavailable("the call's node did not answer")};
};

// Why a participant leaves its conference.
enum class LeaveCause : std::uint8_t {
  kicked,            // DELETE /v1.0/conferencecalls/{id}
  call_ended,        // its call hung up
  conference_ended,  // the conference terminates (deleted, timed out, connect)
};

// A call's answer when a conference asks for its seat: a call is in at most one
// conference at a time, and only once it is answered (and, in a groupcall, won).
enum class SeatAnswer : std::uint8_t { taken, not_answered, ended, in_conference };

std::string_view to_string(LeaveCause cause);

// The timers a groupcall arms; a generation number tells a stale expiry apart.
enum class GroupcallTimer : std::uint8_t { ring, answer };

// What a participant and its call tell their conference: the roll. A conference
// of this node keeps it itself; one another node runs has a stand-in here
// (peer_conference.hpp) that passes it on.
using conference_roll_actor = caf::typed_actor<
    // A participant's join was confirmed by the driver.
    caf::reacts_to<joined_atom, Uuid>,
    // A participant has left (leaved).
    caf::reacts_to<left_atom, Uuid>,
    // A participant's call ended: it leaves.
    caf::reacts_to<hangup_atom, Uuid>>;

// One participant of a conference: it moves its call into the bridge and out.
using conferencecall_actor = caf::typed_actor<
    // The driver confirmed a join or a leave, through the participant's BridgeLine.
    caf::reacts_to<BridgeReport>,
    // Its conference (or its call's end) makes it leave.
    caf::reacts_to<leave_atom, LeaveCause>,
    // An API kick: leaves and replies with its snapshot (409 if already leaving).
    caf::reacts_to<leave_atom, ConferencecallReply>>;

using conference_actor = conference_roll_actor::extend<
    // A call joins (API or a groupcall's winner): replies once the participant is
    // committed joining, or with why not.
    caf::reacts_to<join_atom, Uuid, ConferencecallReply>,
    // A call another node runs joins: that node is asked for its seat, and runs
    // the participant (actors/conference_peers.hpp).
    caf::reacts_to<peer_join_atom, Uuid, ConferencecallReply>,
    // That node's answer for participant `id`.
    caf::reacts_to<seated_atom, Uuid, PeerSeatAnswer>,
    // PUT: new field values, replied with the snapshot.
    caf::reacts_to<update_atom, ConferenceUpdate, ConferenceReply>,
    // DELETE: terminates, then stamps tm_delete and replies.
    caf::reacts_to<delete_atom, ConferenceReply>,
    // Its timeout passed, or the engine stops: terminates.
    caf::reacts_to<timeout_atom>, caf::reacts_to<hangup_atom, LegCause>>;

// Anything a groupcall rings, a call leg or a nested groupcall: both end on request,
// and both learn from their groupcall that the answer they reported was taken for
// good (won). A hangup from the groupcall before that means it was not taken.
using branch_actor =
    caf::typed_actor<caf::reacts_to<hangup_atom, LegCause>, caf::reacts_to<won_atom>>;

using call_leg_actor = branch_actor::extend<
    // What the far end did, through the leg's LegLine, with the SDP it answered
    // with (empty for any other report, and for an answer without one). One
    // message, not two: each handler costs every live leg 40 bytes of behaviour.
    caf::reacts_to<LegReport, std::string>,
    // An API hangup: ends the leg and replies with its snapshot.
    caf::reacts_to<hangup_atom, CallReply>,
    // A conference asks for the call as its participant `conferencecall_id`.
    caf::replies_to<seat_atom, Uuid, Uuid, conference_roll_actor>::with<SeatAnswer>,
    // The participant that held the call's seat has left.
    caf::reacts_to<left_atom, Uuid>>;

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
    caf::reacts_to<delete_atom, GroupcallReply>,
    // A branch declined (busy, 603) while ringing: ends it all with fail_on_single_reject.
    caf::reacts_to<declined_atom, Uuid>,
    // The driver carried out the failover's routing instruction.
    caf::reacts_to<routed_atom>>;

using supervisor_actor = caf::typed_actor<
    // Drives the supervisor's timer wheel: a wake-up it booked through CAF's
    // clock, and its own yield between two slices of a burst.
    caf::reacts_to<wake_atom>, caf::reacts_to<tick_atom>,
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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::ConferenceReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::ConferencecallReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::ConferenceUpdate)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::PeerSeatAnswer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::PeerSeatAnswer>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::ConferenceReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::ConferencecallReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::ConferenceUpdate>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::EventPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::CallReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::GroupcallReply>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<chorus::EventPtr>)
