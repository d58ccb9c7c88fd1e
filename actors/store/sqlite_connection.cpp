#include "actors/store/sqlite_connection.hpp"

#include <filesystem>
#include <string>

#include "actors/store/sqlite_error.hpp"

namespace chorus {

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(rc, db, "preparing a statement");
  }
  return Statement(stmt);
}

std::string plain_path(const std::string& file) {
  const std::filesystem::path path(file);
  return path.is_absolute() ? file : "./" + file;
}

std::string database_path(const std::string& data_dir) {
  return plain_path((std::filesystem::path(data_dir) / "chorus.db").string());
}

Result<Connection> open_connection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);  // sqlite3_open_v2 may hand out a handle even when it fails
  if (rc != SQLITE_OK) return sqlite_error(rc, db.get(), "opening " + path);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), sqlite_busy_timeout_ms);
  return Result<Connection>(std::move(db));
}

Status execute(sqlite3* db, const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, db, doing);
  return {};
}

Result<std::int64_t> query_integer(sqlite3* db, const char* sql, std::string_view doing) {
  Result<Statement> statement = Statement::prepare(db, sql);
  if (!statement) return statement.error();
  const int rc = statement->step();
  if (rc != SQLITE_ROW) return sqlite_error(rc, db, doing);
  return statement->column_int64(0);
}

Status configure_writer(sqlite3* db, SyncMode sync) {
  Result<Statement> wal = Statement::prepare(db, "PRAGMA journal_mode=WAL");
  if (!wal) return wal.error();
  const int rc = wal->step();
  if (rc != SQLITE_ROW) return sqlite_error(rc, db, "setting WAL mode");
  if (wal->column_text(0) != "wal") {
    return Error::unavailable(
        "store: cannot open (the file system refused WAL mode; journal mode is " +
        std::string(wal->column_text(0)) + ")");
  }
  const char* synchronous =
      sync == SyncMode::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  return execute(db, synchronous, "setting the synchronous level");
}

}  // namespace chorus
