#pragma once
// RAII for SQLite: a connection closed on destruction, and a prepared statement
// finalized on destruction, bound by index and reset by a scope guard so that an
// early return never leaves it holding a read lock or a dangling bound pointer.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "model/result.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct ConnectionCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), bind_rc_(other.bind_rc_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept {
    if (this != &other) {
      sqlite3_finalize(stmt_);
      stmt_ = other.stmt_;
      bind_rc_ = other.bind_rc_;
      other.stmt_ = nullptr;
    }
    return *this;
  }
  ~Statement() { sqlite3_finalize(stmt_); }

  // Prepared for repeated use (SQLITE_PREPARE_PERSISTENT); errors name `sql`'s purpose.
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  // Bindings are 1-based, as in SQL. Blobs and texts are bound without a copy: the
  // caller keeps them alive until the statement is reset. A failed bind is kept and
  // returned by the next step(), so a sequence of binds needs one check.
  void bind(int index, const Uuid& id) {
    note(sqlite3_bind_blob(stmt_, index, id.bytes().data(), static_cast<int>(id.bytes().size()),
                           SQLITE_STATIC));
  }
  void bind(int index, std::int64_t value) { note(sqlite3_bind_int64(stmt_, index, value)); }
  // A timestamp as microseconds, or NULL when it is "not yet".
  void bind_or_null(int index, Timestamp time) {
    note(time.is_set() ? sqlite3_bind_int64(stmt_, index, time.micros())
                       : sqlite3_bind_null(stmt_, index));
  }
  void bind_blob(int index, std::string_view bytes) {
    note(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC));
  }
  void bind_text(int index, std::string_view text) {
    note(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(stmt_); }
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
  }

  std::string_view column_text(int index) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text != nullptr ? std::string_view(
                                 text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
                           : std::string_view();
  }
  std::string_view column_blob(int index) const {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
    return bytes != nullptr
               ? std::string_view(bytes,
                                  static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
               : std::string_view();
  }
  std::int64_t column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }
  bool column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  void note(int rc) noexcept {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3_stmt* stmt_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

// Resets a statement when the scope that used it ends, however it ends.
class StatementScope {
 public:
  explicit StatementScope(Statement& statement) : statement_(statement) {}
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;
  ~StatementScope() { statement_.reset(); }
  Statement* operator->() { return &statement_; }

 private:
  Statement& statement_;
};

}  // namespace chorus
