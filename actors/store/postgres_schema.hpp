#pragma once
// The PostgreSQL store's tables, versioned in chorus_schema(version) and brought
// forward one migration at a time. Several chorusd nodes may start at once on one
// database: each step runs in its own transaction under an advisory lock, and
// checks the version again there, so exactly one node applies it.

#include <libpq-fe.h>

#include "model/result.hpp"

namespace chorus {

inline constexpr int postgres_schema_version = 2;

// Creates or migrates the tables; refuses a database whose schema is newer than
// this binary knows.
Status postgres_migrate(PGconn* db);

}  // namespace chorus
