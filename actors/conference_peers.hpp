#pragma once
// The other nodes of a cluster, as a conference and its participants see them
// (issue 20): a call joins a conference another node runs. A node bridges only
// the calls it runs itself (its driver dialled them), so the participant runs on
// the call's node, beside its call, and the conference on its own node keeps the
// roll (conferencecall_ids, max_participants, a connect conference's end). The
// two learn of each other through this port: the conference's node asks the
// call's node for a seat; the participant's node tells the conference that its
// participant joined or left; the conference's node tells a participant to leave.
// A groupcall whose winner is to join another node's conference asks that node to
// take it, as a join through the API would.
//
// The engine owns the port; transport/cluster implements it over NATS, and hands
// what arrives to the engine's peer entry points (Engine::seat_for_peer,
// join_for_peer, conference_news, end_participant_for_peer). A lone node has none. Every message
// goes to whichever node runs its target; no node names another.
//
// Safe from any thread; every callback is called once, from any thread.

#include <cstdint>
#include <functional>

#include "model/conferencecall.hpp"
#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus {

// A conference's request for a seat for a call another node runs.
struct RemoteSeat {
  Uuid customer_id;
  Uuid conference_id;
  Uuid call_id;
  Uuid conferencecall_id;  // chosen by the conference: its roll knows it at once
};

// A call that won its groupcall joins the conference the groupcall names, which
// another node runs (a groupcall's conference_id): as a join through the API.
struct RemoteJoin {
  Uuid customer_id;
  Uuid conference_id;
  Uuid call_id;
};

// What a participant's node tells its conference.
enum class ParticipantNews : std::uint8_t {
  joined,  // the call's media is in the bridge
  left,    // the participant has leaved: it is off the roll
};

class ConferencePeers {
 public:
  virtual ~ConferencePeers() = default;

  // Seats `seat.call_id` on the node that runs it: answers the participant
  // (joining) once that node has committed it; conflict when the call refuses
  // (not answered, ended, in a conference), not_found when it is not the
  // customer's, unavailable when no node answered in time.
  virtual void seat(const RemoteSeat& seat, std::function<void(Result<Conferencecall>)> answer) = 0;

  // To the node that runs the conference: `join.call_id`, which this node runs,
  // joins it. Answers as seat() does, once the conference has the participant.
  virtual void join(const RemoteJoin& join, std::function<void(Result<Conferencecall>)> answer) = 0;

  // To the node that runs the conference. Nobody answering changes nothing for
  // the participant: the conference has ended, or its node is gone and a
  // survivor ends it (and tells the participant to leave).
  virtual void tell_conference(const Uuid& conference_id, const Uuid& conferencecall_id,
                               ParticipantNews news) = 0;

  // To the node that runs the participant: its conference ends, so it leaves (a
  // kick needs none of this: it goes to the participant's node whole, as a
  // forwarded operation). `delivered` is false when no node answered (its node
  // ended it, or is gone or out of reach).
  virtual void end_participant(const Uuid& conferencecall_id,
                               std::function<void(bool delivered)> done) = 0;
};

}  // namespace chorus
