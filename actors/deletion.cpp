#include "actors/deletion.hpp"

#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"

namespace chorus {

namespace {

// Stamps tm_delete, commits it with `type`, and drops it from `table`'s lists.
// Deleting twice changes nothing.
template <class Resource>
std::shared_ptr<const Resource> stamp_deleted(EngineContext& engine, ResourceTable<Resource>& table,
                                              EventType type,
                                              std::shared_ptr<const Resource> ended) {
  if (ended->tm_delete.is_set()) return ended;
  auto deleted = std::make_shared<Resource>(*ended);
  deleted->tm_delete = deleted->tm_update = engine.clock.now();
  commit(engine, type, std::shared_ptr<const Resource>(deleted));
  table.unlist(*deleted);
  return deleted;
}

}  // namespace

std::shared_ptr<const Groupcall> delete_groupcall(EngineContext& engine,
                                                  std::shared_ptr<const Groupcall> ended) {
  return stamp_deleted(engine, engine.registry.groupcalls, EventType::groupcall_deleted,
                       std::move(ended));
}

std::shared_ptr<const Call> delete_call(EngineContext& engine, std::shared_ptr<const Call> ended) {
  return stamp_deleted(engine, engine.registry.calls, EventType::call_deleted, std::move(ended));
}

std::shared_ptr<const Conference> delete_conference(EngineContext& engine,
                                                    std::shared_ptr<const Conference> ended) {
  return stamp_deleted(engine, engine.registry.conferences, EventType::conference_deleted,
                       std::move(ended));
}

}  // namespace chorus
