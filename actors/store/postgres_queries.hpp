#pragma once
// The SQL the PostgreSQL store runs at schema version 1: the same tables, columns
// and orderings as SQLite's (sqlite_queries.hpp), with PostgreSQL's types (uuid,
// bigint microseconds, boolean) and $n parameters, all of them sent as text.

#include <string>

#include "actors/store/stored_record.hpp"

namespace chorus::postgres_queries {

using chorus::table_name;  // the table a record goes to (stored_record.hpp)

// Upserts `rows` records of `table` in one statement: (id, customer_id, ...) per
// its shape (stored_record.hpp), `columns_of(shape)` parameters per row. A
// resource's customer and creation time never change, so an update leaves them
// (and the index on them) alone.
std::string upsert(StoredTable table, std::size_t rows);
std::size_t columns_of(StoredShape shape);

// $1 cutoff (tm_update micros; tm_create for missed calls), $2 the most rows to delete.
std::string purge(StoredTable table);

// $1 id.
std::string by_id(StoredTable table);
// $1 customer_id, $2 created before (micros; INT64_MAX for no bound), $3 limit.
std::string list(StoredTable table);
// $1 extension_id, $2 customer_id, $3 created before (micros), $4 limit.
inline constexpr const char* list_missed_calls =
    "SELECT body FROM missed_calls WHERE extension_id = $1 AND customer_id = $2"
    " AND tm_create < $3 ORDER BY tm_create DESC, id DESC LIMIT $4";

// What a restart loads: directory entries not deleted, resources still live.
std::string load(StoredTable table);
inline constexpr const char* highest_ring_group_id = "SELECT coalesce(max(id), 0) FROM ring_groups";

// A write that changes nothing, committed: what probe() runs.
inline constexpr const char* probe = "UPDATE chorus_schema SET version = version";

}  // namespace chorus::postgres_queries
