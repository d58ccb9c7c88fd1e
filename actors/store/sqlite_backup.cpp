// backup_database (declared in sqlite_store.hpp): SQLite's online backup of chorus.db.

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_error.hpp"
#include "actors/store/sqlite_store.hpp"

namespace chorus {

namespace {

// The copy takes its snapshot in one step; BUSY only happens while another
// connection holds an exclusive lock (WAL recovery, a checkpoint restarting the
// log), which is brief, so a few retries are enough.
constexpr int busy_retries = 50;
constexpr int busy_wait_ms = 100;

}  // namespace

Status backup_database(const std::string& data_dir, const std::string& file) {
  const std::string source_path = database_path(data_dir);
  std::error_code same_error;
  if (std::filesystem::equivalent(source_path, file, same_error)) {
    return Error::invalid(
        "file", "is the live database " + source_path + "; a backup must go to another file");
  }
  // Read-write without create: a missing database is an error, not an empty backup,
  // and a read-write connection can join WAL even when chorusd is not running.
  Result<Connection> source = open_connection(source_path, SQLITE_OPEN_READWRITE);
  if (!source) return source.error();
  Result<std::int64_t> version =
      query_integer(source->get(), "PRAGMA user_version", "reading the source's schema version");
  if (!version) return version.error();

  Result<Connection> target =
      open_connection(plain_path(file), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!target) return target.error();
  sqlite3_backup* backup = sqlite3_backup_init(target->get(), "main", source->get(), "main");
  if (backup == nullptr) {
    return sqlite_error(sqlite3_extended_errcode(target->get()), target->get(),
                        "starting the backup");
  }
  // -1: every page in one step, under one read transaction, so the copy is one
  // commit's snapshot however much chorusd writes meanwhile.
  int rc = sqlite3_backup_step(backup, -1);
  for (int retry = 0; (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && retry < busy_retries; ++retry) {
    sqlite3_sleep(busy_wait_ms);
    rc = sqlite3_backup_step(backup, -1);
  }
  // finish() leaves the step's error on the target connection, for the message.
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return sqlite_error(rc, target->get(), "backing up " + source_path);
  if (finished != SQLITE_OK) return sqlite_error(finished, target->get(), "finishing the backup");
  return {};
}

}  // namespace chorus
