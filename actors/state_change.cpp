#include "actors/state_change.hpp"

#include "actors/engine_context.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

template <class Resource>
void commit_to(ResourceTable<Resource>& table, EngineContext& engine, EventType type,
               std::shared_ptr<const Resource> snapshot) {
  bool final = is_final(snapshot->status);
  // Built only for listeners: with nobody subscribed an event costs nothing.
  EventPtr event;
  if (engine.bus.wants(snapshot->customer_id)) event = std::make_shared<Event>(type, snapshot);
  table.update(std::move(snapshot), final);
  if (event) engine.bus.publish(event);
}

template <class Resource>
void announce_to(EngineContext& engine, EventType type,
                 const std::shared_ptr<const Resource>& snapshot) {
  if (engine.bus.wants(snapshot->customer_id)) {
    engine.bus.publish(std::make_shared<Event>(type, snapshot));
  }
}

}  // namespace

void announce(EngineContext& engine, EventType type, const std::shared_ptr<const Call>& call) {
  announce_to(engine, type, call);
}

void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Groupcall>& groupcall) {
  announce_to(engine, type, groupcall);
}

void commit(EngineContext& engine, EventType type, std::shared_ptr<const Call> call) {
  if (type == EventType::call_hangup) {
    engine.legs_ended_by_reason[static_cast<std::size_t>(call->hangup_reason)].fetch_add(
        1, std::memory_order_relaxed);
  }
  commit_to(engine.registry.calls, engine, type, std::move(call));
}

void commit(EngineContext& engine, EventType type, std::shared_ptr<const Groupcall> groupcall) {
  commit_to(engine.registry.groupcalls, engine, type, std::move(groupcall));
}

void commit_quietly(EngineContext& engine, std::shared_ptr<const Groupcall> groupcall) {
  engine.registry.groupcalls.update(std::move(groupcall), false);
}

}  // namespace chorus
