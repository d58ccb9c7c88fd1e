#include "actors/deletion.hpp"

#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"

namespace chorus {

std::shared_ptr<const Groupcall> delete_groupcall(EngineContext& engine,
                                                  std::shared_ptr<const Groupcall> ended) {
  if (ended->tm_delete.is_set()) return ended;  // deleting twice changes nothing
  auto deleted = std::make_shared<Groupcall>(*ended);
  deleted->tm_delete = deleted->tm_update = engine.clock.now();
  commit(engine, EventType::groupcall_deleted, deleted);
  engine.registry.groupcalls.unlist(*deleted);
  return deleted;
}

std::shared_ptr<const Call> delete_call(EngineContext& engine, std::shared_ptr<const Call> ended) {
  if (ended->tm_delete.is_set()) return ended;
  auto deleted = std::make_shared<Call>(*ended);
  deleted->tm_delete = deleted->tm_update = engine.clock.now();
  commit(engine, EventType::call_deleted, deleted);
  engine.registry.calls.unlist(*deleted);
  return deleted;
}

std::shared_ptr<const Conference> delete_conference(EngineContext& engine,
                                                    std::shared_ptr<const Conference> ended) {
  if (ended->tm_delete.is_set()) return ended;
  auto deleted = std::make_shared<Conference>(*ended);
  deleted->tm_delete = deleted->tm_update = engine.clock.now();
  commit(engine, EventType::conference_deleted, deleted);
  engine.registry.conferences.unlist(*deleted);
  return deleted;
}

}  // namespace chorus
