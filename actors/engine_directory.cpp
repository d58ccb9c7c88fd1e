// The engine's directory API: agents, extensions, extension groups, ring groups
// and instant group calls, written through the store one at a time (a bulk
// change of instant group calls as one write), and missed calls read back.

#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "actors/engine.hpp"
#include "actors/engine_core.hpp"

namespace chorus {

namespace {

// Takes or drops one entry, by its tm_delete.
template <class Entry>
void adopt(Directory& directory, const Entry& entry) {
  if (entry.tm_delete.is_set()) {
    directory.erase(entry);
  } else {
    directory.restore(entry);
  }
}

}  // namespace

void Engine::adopt_directory_change(const StoreRow& row) {
  auto& directory = core_->context().directory;
  std::visit(
      [&directory](const auto& entry) {
        using Entry = std::decay_t<decltype(*entry)>;
        if (!entry) return;
        if constexpr (std::is_same_v<Entry, Agent> || std::is_same_v<Entry, Extension> ||
                      std::is_same_v<Entry, ExtensionGroup> ||
                      std::is_same_v<Entry, InstantGroupCall>) {
          adopt(directory, *entry);
        } else if constexpr (std::is_same_v<Entry, RingGroup>) {
          // Its integer id is never handed out here again either.
          directory.reserve_ring_group_ids(entry->id);
          adopt(directory, *entry);
        }
      },
      row);
}

namespace {

// An entry as the directory holds it now, to put back if its write is refused.
std::optional<Agent> existing(const Directory& directory, const Uuid& customer_id, const Uuid& id,
                              const Agent*) {
  return directory.find_agent(customer_id, id);
}
std::optional<Extension> existing(const Directory& directory, const Uuid& customer_id,
                                  const Uuid& id, const Extension*) {
  return directory.find_extension_by_id(customer_id, id);
}
std::optional<ExtensionGroup> existing(const Directory& directory, const Uuid& customer_id,
                                       const Uuid& id, const ExtensionGroup*) {
  return directory.find_extension_group_by_id(customer_id, id);
}
std::optional<RingGroup> existing(const Directory& directory, const Uuid& customer_id,
                                  std::int32_t id, const RingGroup*) {
  return directory.find_ring_group_by_id(customer_id, id);
}

std::optional<InstantGroupCall> existing(const Directory& directory, const Uuid& customer_id,
                                         const Uuid& id, const InstantGroupCall*) {
  return directory.find_instant_group_call_by_id(customer_id, id);
}

// A zero id creates.
bool creates(const Uuid& id) {
  return id.is_zero();
}
bool creates(std::int32_t id) {
  return id == 0;
}

}  // namespace

// Directory writes, one at a time: applied in memory, queued for the store, and
// answered once committed. A failed commit puts memory back as it was (and the
// row is withdrawn), so that a refused write changes nothing.
template <class Entry, class Key, class Apply>
Result<Entry> Engine::write_directory(const Uuid& customer_id, const Key& id, Apply apply) {
  auto& engine = core_->context();
  if (auto status = core_->accepting_writes(); !status) return status.error();
  std::lock_guard<std::mutex> guard(core_->directory_writes());
  auto before =
      creates(id) ? std::nullopt
                  : existing(engine.directory, customer_id, id, static_cast<const Entry*>(nullptr));
  Result<Entry> result = apply(engine);
  if (!result || !engine.writer) return result;
  engine.writer->write(StoreRow(std::make_shared<const Entry>(*result)));
  auto committed = std::make_shared<std::promise<Status>>();
  auto outcome = committed->get_future();
  engine.writer->acknowledge_or_withdraw(
      {row_key(*result)}, [committed](const Status& status) { committed->set_value(status); });
  auto status = outcome.get();
  if (status) return result;
  if (before) {
    engine.directory.restore(std::move(*before));
  } else {
    engine.directory.erase(*result);
  }
  return status.error();
}

Result<Agent> Engine::put_agent(Agent agent) {
  auto customer_id = agent.customer_id;
  auto id = agent.id;
  return write_directory<Agent>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.put_agent(std::move(agent), engine.clock.now());
  });
}

Result<Agent> Engine::remove_agent(const Uuid& customer_id, const Uuid& id) {
  return write_directory<Agent>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.remove_agent(customer_id, id, engine.clock.now());
  });
}

std::optional<Agent> Engine::agent(const Uuid& customer_id, const Uuid& id) const {
  return core_->context().directory.find_agent(customer_id, id);
}

std::vector<Agent> Engine::agents(const Uuid& customer_id) const {
  return core_->context().directory.agents(customer_id);
}

Result<Extension> Engine::put_extension(Extension extension) {
  auto customer_id = extension.customer_id;
  auto id = extension.id;
  return write_directory<Extension>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.put_extension(std::move(extension), engine.clock.now());
  });
}

Result<Extension> Engine::remove_extension(const Uuid& customer_id, const Uuid& id) {
  return write_directory<Extension>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.remove_extension(customer_id, id, engine.clock.now());
  });
}

std::optional<Extension> Engine::extension(const Uuid& customer_id, const Uuid& id) const {
  return core_->context().directory.find_extension_by_id(customer_id, id);
}

std::vector<Extension> Engine::extensions(const Uuid& customer_id) const {
  return core_->context().directory.extensions(customer_id);
}

Result<ExtensionGroup> Engine::put_extension_group(ExtensionGroup group) {
  auto customer_id = group.customer_id;
  auto id = group.id;
  return write_directory<ExtensionGroup>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.put_extension_group(std::move(group), engine.clock.now());
  });
}

Result<ExtensionGroup> Engine::remove_extension_group(const Uuid& customer_id, const Uuid& id) {
  return write_directory<ExtensionGroup>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.remove_extension_group(customer_id, id, engine.clock.now());
  });
}

std::optional<ExtensionGroup> Engine::extension_group(const Uuid& customer_id,
                                                      const Uuid& id) const {
  return core_->context().directory.find_extension_group_by_id(customer_id, id);
}

std::vector<ExtensionGroup> Engine::extension_groups(const Uuid& customer_id) const {
  return core_->context().directory.extension_groups(customer_id);
}

Result<RingGroup> Engine::put_ring_group(RingGroup group) {
  auto customer_id = group.customer_id;
  auto id = group.id;
  return write_directory<RingGroup>(customer_id, id, [&](EngineContext& engine) {
    std::int32_t new_id = 0;
    if (id == 0 && engine.store) {
      // A shared store numbers new groups, so that two nodes never pick one id.
      auto next = engine.store->next_ring_group_id();
      if (!next) return Result<RingGroup>(next.error());
      new_id = next->value_or(0);
    }
    return engine.directory.put_ring_group(std::move(group), engine.clock.now(), new_id);
  });
}

Result<RingGroup> Engine::remove_ring_group(const Uuid& customer_id, std::int32_t id) {
  return write_directory<RingGroup>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.remove_ring_group(customer_id, id, engine.clock.now());
  });
}

std::optional<RingGroup> Engine::ring_group(const Uuid& customer_id, std::int32_t id) const {
  return core_->context().directory.find_ring_group_by_id(customer_id, id);
}

std::vector<RingGroup> Engine::ring_groups(const Uuid& customer_id) const {
  return core_->context().directory.ring_groups(customer_id);
}

Result<InstantGroupCall> Engine::put_instant_group_call(InstantGroupCall service) {
  auto customer_id = service.customer_id;
  auto id = service.id;
  return write_directory<InstantGroupCall>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.put_instant_group_call(std::move(service), engine.clock.now());
  });
}

Result<InstantGroupCall> Engine::remove_instant_group_call(const Uuid& customer_id,
                                                           const Uuid& id) {
  return write_directory<InstantGroupCall>(customer_id, id, [&](EngineContext& engine) {
    return engine.directory.remove_instant_group_call(customer_id, id, engine.clock.now());
  });
}

std::optional<InstantGroupCall> Engine::instant_group_call(
    const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
    const std::string& service_user_id) const {
  return core_->context().directory.instant_group_call(customer_id, tenant_id, group_id,
                                                       service_user_id);
}

std::vector<InstantGroupCall> Engine::instant_group_calls(const Uuid& customer_id,
                                                          const std::string& tenant_id,
                                                          const std::string& group_id) const {
  return core_->context().directory.instant_group_calls(customer_id, tenant_id, group_id);
}

// write_directory for several rows: the directory changes them under one lock, the
// store commits them in one transaction, and a failed commit puts every one back.
Result<std::vector<InstantGroupCall>> Engine::set_instant_group_calls_active(
    const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
    const std::vector<std::pair<std::string, bool>>& changes) {
  auto& engine = core_->context();
  if (auto status = core_->accepting_writes(); !status) return status.error();
  std::lock_guard<std::mutex> guard(core_->directory_writes());
  // The group as it stands, to put back if the commit is refused: taken under the
  // write lock, so only this change comes between.
  auto before = engine.directory.instant_group_calls(customer_id, tenant_id, group_id);
  auto result = engine.directory.set_instant_group_calls_active(customer_id, tenant_id, group_id,
                                                                changes, engine.clock.now());
  if (!result || result->empty() || !engine.writer) return result;
  std::vector<StoreRow> rows;
  rows.reserve(result->size());
  for (const auto& service : *result) {
    rows.emplace_back(std::make_shared<const InstantGroupCall>(service));
  }
  auto committed = std::make_shared<std::promise<Status>>();
  auto outcome = committed->get_future();
  engine.writer->write_all_or_withdraw(
      std::move(rows), [committed](const Status& status) { committed->set_value(status); });
  auto status = outcome.get();
  if (status) return result;
  for (auto& service : before) engine.directory.restore(std::move(service));
  return status.error();
}

// From the store when there is one (every missed call is a row there), else from
// the engine's own bounded log.
Result<std::vector<MissedCall>> Engine::missed_calls(const Uuid& customer_id,
                                                     const Uuid& extension_id, std::size_t limit,
                                                     std::optional<Timestamp> before) const {
  auto& engine = core_->context();
  if (!engine.directory.find_extension_by_id(customer_id, extension_id)) {
    return Error::not_found("extension");
  }
  if (engine.store) return engine.store->missed_calls(customer_id, extension_id, limit, before);
  return engine.missed_calls.list(customer_id, extension_id, limit, before);
}

}  // namespace chorus
