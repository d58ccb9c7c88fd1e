#include "actors/store/sqlite_error.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace chorus {

namespace {

struct Cause {
  int primary_code;
  std::string_view text;
};

// By primary code, so every extended code (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED,
// ...) lands on its family's cause.
constexpr Cause causes[] = {
    {SQLITE_FULL, "disk full"},       {SQLITE_READONLY, "read-only"}, {SQLITE_IOERR, "I/O error"},
    {SQLITE_CANTOPEN, "cannot open"}, {SQLITE_CORRUPT, "corrupt"},    {SQLITE_BUSY, "busy"},
    {SQLITE_LOCKED, "busy"},
};

// The system errnos of a file the storage refused to grow. SQLite reports ENOSPC on
// a plain write as SQLITE_FULL, but ENOSPC on other calls, an exceeded quota and the
// file-size limit as I/O errors; the remedy is the same, so is the name.
constexpr int full_errnos[] = {ENOSPC, EDQUOT, EFBIG};

std::string_view cause_of(int result_code, int system_errno) {
  if ((result_code & 0xff) == SQLITE_IOERR) {
    for (int full : full_errnos) {
      if (full == system_errno) return "disk full";
    }
  }
  return sqlite_cause(result_code);
}

}  // namespace

std::string_view sqlite_cause(int result_code) {
  const int primary = result_code & 0xff;
  for (const Cause& cause : causes) {
    if (cause.primary_code == primary) return cause.text;
  }
  return sqlite3_errstr(result_code);
}

Error sqlite_error(int result_code, sqlite3* db, std::string_view doing) {
  // SQLite keeps the system errno of the last I/O error or failed open on `db`; for
  // any other code it would be a stale one.
  const int primary = result_code & 0xff;
  const int system_errno = db != nullptr && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
                               ? sqlite3_system_errno(db)
                               : 0;
  std::string message = "store: ";
  message += cause_of(result_code, system_errno);
  message += " (";
  message += doing;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  if (system_errno != 0) {
    message += "; ";
    message += std::generic_category().message(system_errno);
  }
  message += ')';
  return Error::unavailable(std::move(message));
}

}  // namespace chorus
