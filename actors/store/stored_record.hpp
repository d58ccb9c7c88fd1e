#pragma once
// What every backend writes for one StoreRow: the table it goes to, the columns
// its queries need and the JSON body that keeps every field. One place decides
// them, so SQLite and PostgreSQL store the same thing and differ only in SQL.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>

#include "actors/store.hpp"

namespace chorus {

enum class StoredTable : std::uint8_t {
  groupcalls,
  calls,
  conferences,
  conferencecalls,
  agents,
  extensions,
  extension_groups,
  ring_groups,
  instant_group_calls,
  missed_calls,
};
inline constexpr std::size_t stored_table_count =
    static_cast<std::size_t>(StoredTable::missed_calls) + 1;

// The columns a table has beyond its body, by shape:
//   listed     (groupcalls, calls, conferences, conferencecalls): id, customer_id,
//              tm_create, tm_update, tm_delete, live;
//   directory  (agents, extensions, extension groups, instant group calls):
//              id, customer_id, tm_delete;
//   ring_group: the integer id, customer_id, tm_delete;
//   missed_call: id, customer_id, extension_id, tm_create.
enum class StoredShape : std::uint8_t { listed, directory, ring_group, missed_call };

StoredShape shape_of(StoredTable table);
// The table's name in every backend ("groupcalls", "ring_groups", ...).
const char* table_name(StoredTable table);

struct StoredRecord {
  StoredTable table = StoredTable::groupcalls;
  Uuid id;                         // every table but ring_groups
  std::int32_t ring_group_id = 0;  // ring_groups
  Uuid customer_id;
  Uuid extension_id;  // missed_calls
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;  // not set: NULL
  bool live = false;    // listed: not yet in its final status
  std::string body;
};

// The record of a row; nullopt for a null row (nothing to write).
std::optional<StoredRecord> stored_record(const StoreRow& row);
// The table a row goes to, without building its record (which writes its body).
StoredTable stored_table(const StoreRow& row);

// Walking a batch from its end: is this row the last snapshot of its resource?
// Earlier ones would be overwritten in the same transaction, so they are skipped.
class LastSnapshots {
 public:
  explicit LastSnapshots(std::size_t batch_size) : single_(batch_size < 2) {}

  bool first_seen_from_end(const StoreRow& row) {
    if (single_) return true;
    const Uuid id = std::visit([](const auto& r) { return r ? row_key(*r) : Uuid(); }, row);
    return seen_[row.index()].insert(id).second;
  }

 private:
  bool single_;
  std::array<std::unordered_set<Uuid>, std::variant_size_v<StoreRow>> seen_;
};

}  // namespace chorus
