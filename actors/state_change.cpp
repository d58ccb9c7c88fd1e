#include "actors/state_change.hpp"

#include "actors/engine_context.hpp"
#include "model/conference_transitions.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

// Stores a row. With a store, the registry takes it and its event (when anyone
// listens) is published once it is committed (EngineContext::follow); without
// one, both at once.
template <class Resource>
void store(EngineContext& engine, ResourceTable<Resource>* table,
           std::shared_ptr<const Resource> snapshot, EventPtr event) {
  if (engine.writer) return engine.writer->write(StoreRow(std::move(snapshot)), std::move(event));
  if (table) table->update(snapshot, is_final(snapshot->status));
  if (event) engine.bus.publish(event);
}

void store(EngineContext& engine, std::shared_ptr<const Agent> agent) {
  if (engine.writer) engine.writer->write(StoreRow(std::move(agent)));
}

void store(EngineContext& engine, std::shared_ptr<const Extension> extension) {
  if (engine.writer) engine.writer->write(StoreRow(std::move(extension)));
}

template <class Resource>
EventPtr event_for(EngineContext& engine, EventType type,
                   const std::shared_ptr<const Resource>& snapshot) {
  // Built only for listeners: with nobody subscribed an event costs nothing.
  if (!engine.bus.wants(snapshot->customer_id)) return nullptr;
  return std::make_shared<Event>(type, snapshot);
}

template <class Resource>
void commit_to(ResourceTable<Resource>& table, EngineContext& engine, EventType type,
               std::shared_ptr<const Resource> snapshot) {
  auto event = event_for(engine, type, snapshot);
  store(engine, &table, std::move(snapshot), std::move(event));
}

template <class Resource>
void announce_to(EngineContext& engine, EventType type,
                 const std::shared_ptr<const Resource>& snapshot) {
  auto event = event_for(engine, type, snapshot);
  if (!event) return;
  if (engine.writer) return engine.writer->publish_after(std::move(event));
  engine.bus.publish(event);
}

}  // namespace

// A new resource is registered at once (its actor attaches to it), and readable
// only by whoever knows its id: the creation is answered after the commit.
void insert(EngineContext& engine, std::shared_ptr<const Call> call) {
  engine.registry.calls.insert(call, nullptr);
  store(engine, static_cast<ResourceTable<Call>*>(nullptr), std::move(call), nullptr);
}

void insert(EngineContext& engine, std::shared_ptr<const Groupcall> groupcall) {
  engine.registry.groupcalls.insert(groupcall, nullptr);
  store(engine, static_cast<ResourceTable<Groupcall>*>(nullptr), std::move(groupcall), nullptr);
}

void insert(EngineContext& engine, std::shared_ptr<const Conference> conference) {
  engine.registry.conferences.insert(conference, nullptr);
  store(engine, static_cast<ResourceTable<Conference>*>(nullptr), std::move(conference), nullptr);
}

void insert(EngineContext& engine, std::shared_ptr<const Conferencecall> conferencecall) {
  engine.registry.conferencecalls.insert(conferencecall, nullptr);
  store(engine, static_cast<ResourceTable<Conferencecall>*>(nullptr), std::move(conferencecall),
        nullptr);
}

void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Conference>& conference) {
  announce_to(engine, type, conference);
}

void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Conferencecall>& conferencecall) {
  announce_to(engine, type, conferencecall);
}

void commit(EngineContext& engine, EventType type, std::shared_ptr<const Conference> conference) {
  commit_to(engine.registry.conferences, engine, type, std::move(conference));
}

void commit(EngineContext& engine, EventType type,
            std::shared_ptr<const Conferencecall> conferencecall) {
  commit_to(engine.registry.conferencecalls, engine, type, std::move(conferencecall));
}

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
  store(engine, &engine.registry.groupcalls, std::move(groupcall), nullptr);
}

void commit_quietly(EngineContext& engine, std::shared_ptr<const Call> call) {
  store(engine, &engine.registry.calls, std::move(call), nullptr);
}

void commit_quietly(EngineContext& engine, std::shared_ptr<const Agent> agent) {
  store(engine, std::move(agent));
}

void commit_quietly(EngineContext& engine, std::shared_ptr<const Extension> extension) {
  store(engine, std::move(extension));
}

void retire(EngineContext& engine, const Uuid& groupcall_id) {
  if (!engine.writer) return engine.registry.retire(groupcall_id);
  engine.writer->after_commit([&engine, groupcall_id] { engine.registry.forget(groupcall_id); });
}

void retire_conference(EngineContext& engine, const Uuid& id) {
  if (!engine.writer) return engine.registry.retire_conference(id);
  engine.writer->after_commit([&engine, id] { engine.registry.conferences.erase(id); });
}

void retire_conferencecall(EngineContext& engine, const Uuid& id) {
  if (!engine.writer) return engine.registry.retire_conferencecall(id);
  engine.writer->after_commit([&engine, id] { engine.registry.conferencecalls.erase(id); });
}

void when_committed(EngineContext& engine, std::function<void(const Status&)> done) {
  if (!engine.writer) return done(Status{});
  engine.writer->acknowledge(std::move(done));
}

}  // namespace chorus
