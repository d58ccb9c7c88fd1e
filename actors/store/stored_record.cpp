#include "actors/store/stored_record.hpp"

#include <iterator>
#include <type_traits>
#include <utility>

#include "actors/store/stored_bodies.hpp"
#include "model/conference_json.hpp"
#include "model/conference_transitions.hpp"
#include "model/json.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

// Groupcalls, calls, conferences and conferencecalls: listed by customer and
// creation, live until their final status.
template <class Resource>
StoredRecord listed(StoredTable table, const Resource& r) {
  StoredRecord record;
  record.table = table;
  record.id = r.id;
  record.customer_id = r.customer_id;
  record.tm_create = r.tm_create;
  record.tm_update = r.tm_update;
  record.tm_delete = r.tm_delete;
  record.live = !is_final(r.status);
  record.body = to_json(r);
  return record;
}

// The directory: agents, extensions, extension groups, instant group calls.
template <class Entry>
StoredRecord directory(StoredTable table, const Entry& e, std::string body) {
  StoredRecord record;
  record.table = table;
  record.id = e.id;
  record.customer_id = e.customer_id;
  record.tm_delete = e.tm_delete;
  record.body = std::move(body);
  return record;
}

StoredRecord record_of(const Groupcall& r) {
  return listed(StoredTable::groupcalls, r);
}
StoredRecord record_of(const Call& r) {
  return listed(StoredTable::calls, r);
}
StoredRecord record_of(const Conference& r) {
  return listed(StoredTable::conferences, r);
}
StoredRecord record_of(const Conferencecall& r) {
  return listed(StoredTable::conferencecalls, r);
}
StoredRecord record_of(const Agent& e) {
  return directory(StoredTable::agents, e, to_json(e));
}
StoredRecord record_of(const Extension& e) {
  return directory(StoredTable::extensions, e, to_json(e));
}
StoredRecord record_of(const ExtensionGroup& e) {
  return directory(StoredTable::extension_groups, e, to_json(e));
}
StoredRecord record_of(const InstantGroupCall& e) {
  return directory(StoredTable::instant_group_calls, e, stored_bodies::encode(e));
}

StoredRecord record_of(const RingGroup& group) {
  StoredRecord record;
  record.table = StoredTable::ring_groups;
  record.ring_group_id = group.id;
  record.customer_id = group.customer_id;
  record.tm_delete = group.tm_delete;
  record.body = stored_bodies::encode(group);
  return record;
}

StoredRecord record_of(const MissedCall& call) {
  StoredRecord record;
  record.table = StoredTable::missed_calls;
  record.id = call.id;
  record.customer_id = call.customer_id;
  record.extension_id = call.extension_id;
  record.tm_create = call.tm_create;
  record.body = to_json(call);
  return record;
}

}  // namespace

StoredShape shape_of(StoredTable table) {
  static constexpr StoredShape shapes[] = {
      StoredShape::listed,      StoredShape::listed,     StoredShape::listed,
      StoredShape::listed,      StoredShape::directory,  StoredShape::directory,
      StoredShape::directory,   StoredShape::ring_group, StoredShape::directory,
      StoredShape::missed_call,
  };
  static_assert(std::size(shapes) == stored_table_count, "a shape for every table");
  return shapes[static_cast<std::size_t>(table)];
}

const char* table_name(StoredTable table) {
  static constexpr const char* names[] = {
      "groupcalls",       "calls",       "conferences",
      "conferencecalls",  "agents",      "extensions",
      "extension_groups", "ring_groups", "instant_group_calls",
      "missed_calls",
  };
  static_assert(std::size(names) == stored_table_count, "a name for every table");
  return names[static_cast<std::size_t>(table)];
}

StoredTable stored_table(const StoreRow& row) {
  // In StoreRow's order of alternatives.
  static constexpr StoredTable tables[] = {
      StoredTable::groupcalls,          StoredTable::calls,       StoredTable::agents,
      StoredTable::extensions,          StoredTable::conferences, StoredTable::conferencecalls,
      StoredTable::extension_groups,    StoredTable::ring_groups, StoredTable::missed_calls,
      StoredTable::instant_group_calls,
  };
  static_assert(std::size(tables) == std::variant_size_v<StoreRow>, "a table for every row");
  return tables[row.index()];
}

std::optional<StoredRecord> stored_record(const StoreRow& row) {
  return std::visit(
      [](const auto& resource) -> std::optional<StoredRecord> {
        if (!resource) return std::nullopt;
        return record_of(*resource);
      },
      row);
}

}  // namespace chorus
