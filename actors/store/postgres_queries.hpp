#pragma once
// The SQL the PostgreSQL store runs at schema version 2: the same tables, columns
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

// What a restart loads of the directory: the entries not deleted.
std::string load(StoredTable table);
// A node's live resources of a listed table: $1 its node id. What a restart and a
// lease's claim find still owned. taken_over moves them to $2 as it reads them.
std::string owned_live(StoredTable table);
std::string taken_over(StoredTable table);

// Each listed row's owner: the writing connection's chorus.node (postgres_connect
// sets it), so an upsert names its node without a parameter per row.
inline constexpr const char* owner_column_default =
    "coalesce(current_setting('chorus.node', true), '')";

// Fencing (schema 2): every write batch starts with this; it fails the batch
// (SQLSTATE CH001) unless $2 is still node $1's epoch. KEY SHARE: a renewal (an
// update of expires_at) passes, a takeover (FOR UPDATE) waits for the batch.
inline constexpr const char* fence = "SELECT chorus_fence($1, $2)";
inline constexpr const char* fenced_sqlstate = "CH001";
inline constexpr const char* highest_ring_group_id = "SELECT coalesce(max(id), 0) FROM ring_groups";
// A new ring group's id (schema 2): a sequence, so that nodes never pick the same.
// It stops at the id's limit (2^31 - 1) with an error rather than cycling.
inline constexpr const char* next_ring_group_id = "SELECT nextval('chorus_ring_group_ids')";

// A write that changes nothing, committed: what probe() runs.
inline constexpr const char* probe = "UPDATE chorus_schema SET version = version";

}  // namespace chorus::postgres_queries
