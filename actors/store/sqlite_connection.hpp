#pragma once
// Opening and configuring SQLite connections on chorus.db, and the few one-shot
// SQL helpers the schema and the store share.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/store/sqlite_statement.hpp"
#include "config/store_options.hpp"
#include "model/result.hpp"

namespace chorus {

// How long a connection waits for a lock another connection holds (a checkpoint,
// a backup starting, a second process) before the call fails with "busy".
inline constexpr int sqlite_busy_timeout_ms = 5000;

// <data_dir>/chorus.db, as a path SQLite never reads as a "file:" URI.
std::string database_path(const std::string& data_dir);

// `file` as a path SQLite never reads as a "file:" URI (this SQLite is built
// with SQLITE_USE_URI, so a relative "file:x?mode=memory" would be one).
std::string plain_path(const std::string& file);

// Opens `path` with `flags` (SQLITE_OPEN_*), extended result codes on and the
// busy timeout set. The connection is used by one thread at a time (NOMUTEX).
Result<Connection> open_connection(const std::string& path, int flags);

// The writer's settings: WAL (checked, as a file system may refuse it) and the
// synchronous level of `sync`.
Status configure_writer(sqlite3* db, SyncMode sync);

// Runs SQL without results; `doing` names it in the error.
Status execute(sqlite3* db, const char* sql, std::string_view doing);

// Runs SQL that answers one integer (a PRAGMA), or an error.
Result<std::int64_t> query_integer(sqlite3* db, const char* sql, std::string_view doing);

}  // namespace chorus
