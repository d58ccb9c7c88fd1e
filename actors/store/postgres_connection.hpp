#pragma once
// libpq connections for the PostgreSQL store: opening one with Chorus's defaults,
// running a statement with text parameters, and turning a failure into the
// store's Error ("store: <cause> (<doing>: <server message>)"). Private to
// actors/store/: nothing above the store sees libpq.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/store_options.hpp"
#include "model/result.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct PgConnectionClose {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnectionClose>;

struct PgResultClear {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultClear>;

// Seconds a connection attempt, and an unanswered request on a cut network, may
// take before the store reports PostgreSQL unreachable (and the writer retries).
inline constexpr int postgres_timeout_s = 5;

// Connects to `url` (a postgresql:// URI or a key=value string). Chorus's
// defaults (connect and TCP timeouts, keepalives, application_name) come first,
// so the URL's own settings win. With `sync`, sets synchronous_commit: full
// waits for the WAL flush (on), normal does not (off), the PostgreSQL twin of
// SQLite's synchronous=NORMAL: a server crash may lose the last commits.
// `patience_ms` bounds an unanswered request on a cut network (the TCP user
// timeout; libpq's connect timeout counts whole seconds, at least 2).
Result<PgConnection> postgres_connect(const std::string& url, const SyncMode* sync = nullptr,
                                      int patience_ms = postgres_timeout_s * 1000);

// Whether `db` still works: reads (without waiting) what the server sent, so a
// connection the server closed while it sat idle reads as bad before it is used.
bool postgres_alive(PGconn* db);

// The parameters of one statement, all in text format; null entries are SQL NULL.
class PgParams {
 public:
  explicit PgParams(std::size_t expected = 8) { owned_.reserve(expected); }
  void add(const Uuid& id) { own(id.to_string()); }
  void add(std::int64_t n) { own(std::to_string(n)); }
  void add(bool b) { borrow(b ? "t" : "f"); }
  void add_or_null(Timestamp t) {
    if (t.is_set()) {
      add(t.micros());
    } else {
      borrow(nullptr);
    }
  }
  // `text` must outlive the statement's execution.
  void add_text(const std::string& text) { borrow(text.c_str()); }

  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values();

 private:
  void own(std::string value);
  void borrow(const char* value) {
    values_.push_back(value);
    owned_index_.push_back(-1);
  }

  std::vector<std::string> owned_;
  std::vector<const char*> values_;
  std::vector<int> owned_index_;  // into owned_, or -1
};

// Runs one statement (a prepared one's name when `prepared`) and returns its
// result when it succeeded (tuples or command OK), else the store's error.
Result<PgResult> postgres_run(PGconn* db, const char* sql_or_name, PgParams& params,
                              std::string_view doing, bool prepared);
// Runs SQL without parameters or results.
Status postgres_execute(PGconn* db, const char* sql, std::string_view doing);
// Prepares `sql` under `name`.
Status postgres_prepare(PGconn* db, const char* name, const std::string& sql);

// "store: <cause> (<doing>: <message>)", the cause from the SQLSTATE class
// ("unreachable", "disk full", "read-only", "busy", ...). `result` may be null:
// the connection's own message is used then.
Error postgres_error(const PGconn* db, const PGresult* result, std::string_view doing);

}  // namespace chorus
