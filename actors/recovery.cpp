#include "actors/recovery.hpp"

#include <future>

#include "actors/engine_context.hpp"
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

Result<Recovery> recover(EngineContext& engine, std::chrono::milliseconds timeout) {
  Recovery recovery;
  if (!engine.store) return recovery;
  auto stored = engine.store->load();
  if (!stored) return stored.error();
  for (auto& agent : stored->agents) engine.directory.restore(std::move(agent));
  for (auto& extension : stored->extensions) engine.directory.restore(std::move(extension));
  for (auto& group : stored->extension_groups) engine.directory.restore(std::move(group));
  for (auto& group : stored->ring_groups) engine.directory.restore(std::move(group));
  engine.directory.reserve_ring_group_ids(stored->highest_ring_group_id);
  for (auto& service : stored->instant_group_calls) engine.directory.restore(std::move(service));
  recovery.agents = stored->agents.size();
  recovery.extensions = stored->extensions.size();
  auto now = engine.clock.now();
  // Legs first, then their groupcalls: the order a live engine ends them in.
  for (auto& call : stored->live_calls) {
    commit(engine, EventType::call_hangup, ended_by_failure(call, now));
  }
  for (auto& groupcall : stored->live_groupcalls) {
    commit(engine, EventType::groupcall_hangup, ended_by_failure(groupcall, now));
  }
  // Participants before their conferences, as a live conference ends.
  for (auto& participant : stored->live_conferencecalls) {
    commit(engine, EventType::conferencecall_leaved, ended_by_failure(participant, now));
  }
  for (auto& conference : stored->live_conferences) {
    commit(engine, EventType::conference_updated, ended_by_failure(conference, now));
  }
  recovery.calls_ended = stored->live_calls.size();
  recovery.groupcalls_ended = stored->live_groupcalls.size();
  recovery.conferencecalls_ended = stored->live_conferencecalls.size();
  recovery.conferences_ended = stored->live_conferences.size();
  auto committed = std::make_shared<std::promise<Status>>();
  auto outcome = committed->get_future();
  when_committed(engine, [committed](const Status& status) { committed->set_value(status); });
  if (outcome.wait_for(timeout) != std::future_status::ready) {
    return Error::unavailable("store: recovery did not commit in time");
  }
  if (auto status = outcome.get(); !status) return status.error();
  return recovery;
}

}  // namespace chorus
