#pragma once
// chorus.db's schema, versioned by PRAGMA user_version and brought forward one
// step at a time, each step in its own transaction. A step is never edited once
// released: a change is a new step.
//
// v1: groupcalls and calls (id, customer_id, tm_create, tm_delete, live, body),
//     agents and extensions (id, customer_id, tm_delete, body); lists by
//     (customer_id, tm_create, id), whose id orders ties without a sort.
//     Rowid tables: WITHOUT ROWID measured ~3x slower to write with these
//     ~1.7 kB bodies, which it would keep in a B-tree ordered by random ids.
// v2: tm_update on groupcalls and calls, filled from each body, and the retention
//     index (live, tm_update) that purge() walks.
// v3: conferences and conferencecalls, shaped like calls at v2 (live: not
//     terminated, not leaved) with the same two indexes each.

#include "model/result.hpp"

struct sqlite3;

namespace chorus {

// Brings the database to SqliteStore::schema_version, the version its last step
// leaves. Refuses, with Error::unavailable naming both versions, a database newer
// than this binary knows.
Status migrate(sqlite3* db);

}  // namespace chorus
