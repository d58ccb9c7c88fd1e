#include "actors/recovery.hpp"

#include <future>
#include <unordered_set>

#include "actors/engine_context.hpp"
#include "actors/peer_conference.hpp"
#include "actors/state_change.hpp"

namespace chorus {

std::shared_ptr<const Call> ended_by_failure(const Call& live, Timestamp now) {
  auto ended = std::make_shared<Call>(live);
  ended->status = CallStatus::hangup;
  ended->hangup_by = HangupBy::local;
  ended->hangup_reason = HangupReason::failed;
  ended->tm_update = ended->tm_hangup = now;
  ended->conference_id = Uuid();  // a call that has ended is in no conference
  return ended;
}

std::shared_ptr<const Groupcall> ended_by_failure(const Groupcall& live, Timestamp now) {
  auto ended = std::make_shared<Groupcall>(live);
  ended->status = GroupcallStatus::hangup;
  ended->call_count = ended->groupcall_count = 0;
  ended->tm_update = now;
  return ended;
}

std::shared_ptr<const Conference> ended_by_failure(const Conference& live, Timestamp now) {
  auto ended = std::make_shared<Conference>(live);
  ended->status = ConferenceStatus::terminated;
  ended->conferencecall_ids.clear();  // its participants are ended with it
  ended->tm_update = ended->tm_end = now;
  return ended;
}

std::shared_ptr<const Conferencecall> ended_by_failure(const Conferencecall& live, Timestamp now) {
  auto ended = std::make_shared<Conferencecall>(live);
  ended->status = ConferencecallStatus::leaved;
  ended->tm_update = now;
  return ended;
}

namespace {

// What was ended here that another node's conference or participant must learn
// (actors/conference_peers.hpp): a participant whose conference another node runs
// left it, and a conference's participants other nodes run leave.
void tell_peers(EngineContext& engine, const LeftLive& left) {
  if (!engine.peers()) return;
  std::unordered_set<Uuid> conferences, participants;
  for (auto& c : left.live_conferences) conferences.insert(c.id);
  for (auto& p : left.live_conferencecalls) participants.insert(p.id);
  for (auto& p : left.live_conferencecalls) {
    if (!conferences.count(p.conference_id)) tell_peer_conference_left(engine, p);
  }
  for (auto& c : left.live_conferences) {
    for (auto& id : c.conferencecall_ids) {
      if (!participants.count(id)) end_peer_participant(engine, id);
    }
  }
}

}  // namespace

Result<Recovery> end_left_live(EngineContext& engine, const LeftLive& left,
                               std::chrono::milliseconds timeout) {
  Recovery ended;
  auto now = engine.clock.now();
  // Legs first, then their groupcalls: the order a live engine ends them in.
  for (auto& call : left.live_calls) {
    commit(engine, EventType::call_hangup, ended_by_failure(call, now));
  }
  for (auto& groupcall : left.live_groupcalls) {
    commit(engine, EventType::groupcall_hangup, ended_by_failure(groupcall, now));
  }
  // Participants before their conferences, as a live conference ends.
  for (auto& participant : left.live_conferencecalls) {
    commit(engine, EventType::conferencecall_leaved, ended_by_failure(participant, now));
  }
  for (auto& conference : left.live_conferences) {
    commit(engine, EventType::conference_updated, ended_by_failure(conference, now));
  }
  ended.calls_ended = left.live_calls.size();
  ended.groupcalls_ended = left.live_groupcalls.size();
  ended.conferencecalls_ended = left.live_conferencecalls.size();
  ended.conferences_ended = left.live_conferences.size();
  auto committed = std::make_shared<std::promise<Status>>();
  auto outcome = committed->get_future();
  when_committed(engine, [committed](const Status& status) { committed->set_value(status); });
  if (outcome.wait_for(timeout) != std::future_status::ready) {
    return Error::unavailable("store: the endings of what was left live did not commit in time");
  }
  if (auto status = outcome.get(); !status) return status.error();
  tell_peers(engine, left);
  return ended;
}

Result<Recovery> recover(EngineContext& engine, std::chrono::milliseconds timeout) {
  if (!engine.store) return Recovery{};
  auto stored = engine.store->load();
  if (!stored) return stored.error();
  for (auto& agent : stored->agents) engine.directory.restore(std::move(agent));
  for (auto& extension : stored->extensions) engine.directory.restore(std::move(extension));
  for (auto& group : stored->extension_groups) engine.directory.restore(std::move(group));
  for (auto& group : stored->ring_groups) engine.directory.restore(std::move(group));
  engine.directory.reserve_ring_group_ids(stored->highest_ring_group_id);
  for (auto& service : stored->instant_group_calls) engine.directory.restore(std::move(service));
  auto recovery = end_left_live(engine, *stored, timeout);
  if (!recovery) return recovery;
  recovery->agents = stored->agents.size();
  recovery->extensions = stored->extensions.size();
  return recovery;
}

}  // namespace chorus
