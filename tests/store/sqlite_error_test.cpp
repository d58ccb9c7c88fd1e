// How SQLite result codes are named in the store's errors.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "actors/store/sqlite_error.hpp"

namespace chorus {
namespace {

TEST(SqliteError, EachCodeFamilyHasTheCauseAnOperatorActsOn) {
  const struct {
    int code;
    std::string_view cause;
  } expectations[] = {
      {SQLITE_FULL, "disk full"},
      {SQLITE_READONLY, "read-only"},
      {SQLITE_READONLY_DBMOVED, "read-only"},
      {SQLITE_IOERR, "I/O error"},
      {SQLITE_IOERR_FSYNC, "I/O error"},
      {SQLITE_CANTOPEN, "cannot open"},
      {SQLITE_CORRUPT, "corrupt"},
      {SQLITE_CORRUPT_INDEX, "corrupt"},
      {SQLITE_BUSY, "busy"},
      {SQLITE_BUSY_SNAPSHOT, "busy"},
      {SQLITE_LOCKED, "busy"},
      {SQLITE_NOTADB, "file is not a database"},
  };
  for (const auto& expected : expectations) {
    EXPECT_EQ(sqlite_cause(expected.code), expected.cause) << expected.code;
  }
}

TEST(SqliteError, TheMessageNamesTheCauseWhatWasDoneAndSqlitesWords) {
  const Error error = sqlite_error(SQLITE_FULL, nullptr, "writing a batch");
  EXPECT_EQ(error.code, ErrorCode::unavailable);
  EXPECT_EQ(error.message, "store: disk full (writing a batch: database or disk is full)");
}

}  // namespace
}  // namespace chorus
