#pragma once
// The SQL the store runs on chorus.db at schema version 5, in one place so a test
// can ask SQLite how it plans each one (EXPLAIN QUERY PLAN) on the real text.

namespace chorus::sqlite_queries {

// Groupcalls, calls, conferences and conferencecalls: ?1 id, ?2 customer_id, ?3 tm_create, ?4
// tm_update, ?5 tm_delete (NULL when unset), ?6 live, ?7 body. A resource's customer and creation
// time never change, so an update leaves them (and the index on them) alone.
inline constexpr const char* upsert_groupcall =
    "INSERT INTO groupcalls(id, customer_id, tm_create, tm_update, tm_delete, live, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
    " tm_update = excluded.tm_update, tm_delete = excluded.tm_delete, live = excluded.live,"
    " body = excluded.body";
inline constexpr const char* upsert_call =
    "INSERT INTO calls(id, customer_id, tm_create, tm_update, tm_delete, live, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
    " tm_update = excluded.tm_update, tm_delete = excluded.tm_delete, live = excluded.live,"
    " body = excluded.body";
inline constexpr const char* upsert_conference =
    "INSERT INTO conferences(id, customer_id, tm_create, tm_update, tm_delete, live, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
    " tm_update = excluded.tm_update, tm_delete = excluded.tm_delete, live = excluded.live,"
    " body = excluded.body";
inline constexpr const char* upsert_conferencecall =
    "INSERT INTO conferencecalls(id, customer_id, tm_create, tm_update, tm_delete, live, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
    " tm_update = excluded.tm_update, tm_delete = excluded.tm_delete, live = excluded.live,"
    " body = excluded.body";
// Agents and extensions: ?1 id, ?2 customer_id, ?3 tm_delete, ?4 body.
inline constexpr const char* upsert_agent =
    "INSERT INTO agents(id, customer_id, tm_delete, body) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id,"
    " tm_delete = excluded.tm_delete, body = excluded.body";
inline constexpr const char* upsert_extension =
    "INSERT INTO extensions(id, customer_id, tm_delete, body) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id,"
    " tm_delete = excluded.tm_delete, body = excluded.body";
inline constexpr const char* upsert_extension_group =
    "INSERT INTO extension_groups(id, customer_id, tm_delete, body) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id,"
    " tm_delete = excluded.tm_delete, body = excluded.body";
// Ring groups: ?1 the integer id, ?2 customer_id, ?3 tm_delete, ?4 body.
inline constexpr const char* upsert_ring_group =
    "INSERT INTO ring_groups(id, customer_id, tm_delete, body) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id,"
    " tm_delete = excluded.tm_delete, body = excluded.body";
inline constexpr const char* upsert_instant_group_call =
    "INSERT INTO instant_group_calls(id, customer_id, tm_delete, body) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id,"
    " tm_delete = excluded.tm_delete, body = excluded.body";
// Missed calls, written once: ?1 id, ?2 customer_id, ?3 extension_id, ?4 tm_create, ?5 body.
inline constexpr const char* upsert_missed_call =
    "INSERT INTO missed_calls(id, customer_id, extension_id, tm_create, body)"
    " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET body = excluded.body";

// ?1 cutoff (tm_update micros), ?2 the most rows to delete.
inline constexpr const char* purge_calls =
    "DELETE FROM calls WHERE rowid IN"
    " (SELECT rowid FROM calls WHERE live = 0 AND tm_update < ?1 LIMIT ?2)";
inline constexpr const char* purge_groupcalls =
    "DELETE FROM groupcalls WHERE rowid IN"
    " (SELECT rowid FROM groupcalls WHERE live = 0 AND tm_update < ?1 LIMIT ?2)";
inline constexpr const char* purge_conferencecalls =
    "DELETE FROM conferencecalls WHERE rowid IN"
    " (SELECT rowid FROM conferencecalls WHERE live = 0 AND tm_update < ?1 LIMIT ?2)";
inline constexpr const char* purge_conferences =
    "DELETE FROM conferences WHERE rowid IN"
    " (SELECT rowid FROM conferences WHERE live = 0 AND tm_update < ?1 LIMIT ?2)";
// ?1 cutoff (tm_create micros), ?2 the most rows to delete.
inline constexpr const char* purge_missed_calls =
    "DELETE FROM missed_calls WHERE rowid IN"
    " (SELECT rowid FROM missed_calls WHERE tm_create < ?1 LIMIT ?2)";

// ?1 id.
inline constexpr const char* groupcall_by_id = "SELECT body FROM groupcalls WHERE id = ?1";
inline constexpr const char* call_by_id = "SELECT body FROM calls WHERE id = ?1";
inline constexpr const char* conference_by_id = "SELECT body FROM conferences WHERE id = ?1";
inline constexpr const char* conferencecall_by_id =
    "SELECT body FROM conferencecalls WHERE id = ?1";

// ?1 customer_id, ?2 created before (micros; INT64_MAX for no bound), ?3 limit.
// (customer_id, tm_create, id) orders the walk, so SQLite stops after ?3 rows.
inline constexpr const char* list_groupcalls =
    "SELECT body FROM groupcalls WHERE customer_id = ?1 AND tm_delete IS NULL AND tm_create < ?2"
    " ORDER BY tm_create DESC, id DESC LIMIT ?3";
inline constexpr const char* list_calls =
    "SELECT body FROM calls WHERE customer_id = ?1 AND tm_delete IS NULL AND tm_create < ?2"
    " ORDER BY tm_create DESC, id DESC LIMIT ?3";
inline constexpr const char* list_conferences =
    "SELECT body FROM conferences WHERE customer_id = ?1 AND tm_delete IS NULL AND tm_create < ?2"
    " ORDER BY tm_create DESC, id DESC LIMIT ?3";
inline constexpr const char* list_conferencecalls =
    "SELECT body FROM conferencecalls WHERE customer_id = ?1 AND tm_delete IS NULL"
    " AND tm_create < ?2 ORDER BY tm_create DESC, id DESC LIMIT ?3";
// ?1 extension_id, ?2 customer_id, ?3 created before (micros), ?4 limit.
inline constexpr const char* list_missed_calls =
    "SELECT body FROM missed_calls WHERE extension_id = ?1 AND customer_id = ?2 AND tm_create < ?3"
    " ORDER BY tm_create DESC, id DESC LIMIT ?4";

// What a restart loads.
inline constexpr const char* load_agents = "SELECT body FROM agents WHERE tm_delete IS NULL";
inline constexpr const char* load_extensions =
    "SELECT body FROM extensions WHERE tm_delete IS NULL";
inline constexpr const char* load_extension_groups =
    "SELECT body FROM extension_groups WHERE tm_delete IS NULL";
inline constexpr const char* load_ring_groups =
    "SELECT body FROM ring_groups WHERE tm_delete IS NULL ORDER BY id";
inline constexpr const char* load_instant_group_calls =
    "SELECT body FROM instant_group_calls WHERE tm_delete IS NULL";
inline constexpr const char* highest_ring_group_id = "SELECT coalesce(max(id), 0) FROM ring_groups";
inline constexpr const char* load_groupcalls = "SELECT body FROM groupcalls WHERE live = 1";
inline constexpr const char* load_calls = "SELECT body FROM calls WHERE live = 1";
inline constexpr const char* load_conferences = "SELECT body FROM conferences WHERE live = 1";
inline constexpr const char* load_conferencecalls =
    "SELECT body FROM conferencecalls WHERE live = 1";

}  // namespace chorus::sqlite_queries
