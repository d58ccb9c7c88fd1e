#pragma once
// How a SQLite failure reaches the engine: Error::unavailable with a message that
// starts "store: ", then names the cause an operator can act on ("disk full",
// "read-only", ...), then what the store was doing and SQLite's own words.

#include <string_view>

#include "model/error.hpp"

struct sqlite3;

namespace chorus {

// The cause named by a SQLite result code (primary or extended): "disk full",
// "read-only", "I/O error", "cannot open", "corrupt", "busy", or SQLite's text.
std::string_view sqlite_cause(int result_code);

// "store: <cause> (<doing>: <sqlite message>[; <system error>])". `db` may be null
// (the code's text is used then); otherwise its current message and, for an I/O
// error, the system errno behind it, so call this before anything else runs on
// `db`. An I/O error whose errno is ENOSPC, EDQUOT or EFBIG is named "disk full".
Error sqlite_error(int result_code, sqlite3* db, std::string_view doing);

}  // namespace chorus
