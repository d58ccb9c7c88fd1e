#include "actors/store/postgres_connection.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace chorus {

namespace {

// By SQLSTATE prefix, the most specific first: what an operator can act on.
struct Cause {
  std::string_view sqlstate_prefix;
  std::string_view text;
};
constexpr Cause causes[] = {
    {"CH001", "fenced"},  // chorus_fence: this node's lease was taken over
    {"53100", "disk full"},      {"53", "out of resources"},
    {"25006", "read-only"},      {"08", "unreachable"},
    {"57P", "unreachable"},      {"40", "busy"},
    {"55P03", "busy"},           {"42", "schema mismatch"},
    {"28", "refused the login"}, {"3D", "has no such database"},
};

// A failed connection has no SQLSTATE: its cause is read from libpq's message
// (the server's FATAL line, e.g. 'database "x" does not exist').
struct ConnectCause {
  std::string_view words;
  std::string_view text;
};
constexpr ConnectCause connect_causes[] = {
    {"password authentication failed", "refused the login"},
    {"no pg_hba.conf entry", "refused the login"},
    {"FATAL:  role \"", "refused the login"},
    {"FATAL:  database \"", "has no such database"},
};

std::string_view connect_cause(const PGconn* db) {
  const std::string_view message = db ? PQerrorMessage(db) : "";
  for (const ConnectCause& cause : connect_causes) {
    if (message.find(cause.words) != std::string_view::npos) return cause.text;
  }
  return "unreachable";
}

std::string_view cause_of(const PGconn* db, const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) {
    const std::string_view sqlstate(state);
    for (const Cause& cause : causes) {
      if (sqlstate.substr(0, cause.sqlstate_prefix.size()) == cause.sqlstate_prefix) {
        return cause.text;
      }
    }
  }
  // No SQLSTATE: libpq's own failure (no connection, a lost one, a timeout).
  if (db == nullptr || PQstatus(db) != CONNECTION_OK || state == nullptr) return connect_cause(db);
  return "failed";
}

// The first line of libpq's message: later lines repeat context an operator's log
// does not need, and the message ends in a newline.
std::string first_line(const char* text) {
  std::string line = text != nullptr ? text : "";
  auto end = line.find('\n');
  if (end != std::string::npos) line.resize(end);
  return line.empty() ? "no message" : line;
}

}  // namespace

Error postgres_error(const PGconn* db, const PGresult* result, std::string_view doing) {
  std::string message = "store: PostgreSQL ";
  message += cause_of(db, result);
  message += " (";
  message += doing;
  message += ": ";
  const char* text = result ? PQresultErrorMessage(result) : nullptr;
  if (text == nullptr || *text == '\0') text = db ? PQerrorMessage(db) : "no connection";
  message += first_line(text);
  message += ')';
  return Error::unavailable(std::move(message));
}

bool postgres_alive(PGconn* db) {
  return db != nullptr && PQstatus(db) == CONNECTION_OK && PQconsumeInput(db) != 0 &&
         PQstatus(db) == CONNECTION_OK;
}

Result<PgConnection> postgres_connect(const std::string& url, const SyncMode* sync,
                                      int patience_ms) {
  const std::string timeout = std::to_string(std::max(2, (patience_ms + 999) / 1000));
  const std::string user_timeout_ms = std::to_string(patience_ms);
  const char* keys[] = {"connect_timeout",
                        "tcp_user_timeout",
                        "keepalives",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "application_name",
                        "dbname",
                        nullptr};
  const char* values[] = {
      timeout.c_str(), user_timeout_ms.c_str(), "1", "5", "2", "2", "chorusd", url.c_str(),
      nullptr};
  PgConnection db(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!db) return Error::unavailable("store: PostgreSQL unreachable (connecting: out of memory)");
  if (PQstatus(db.get()) != CONNECTION_OK) return postgres_error(db.get(), nullptr, "connecting");
  // Notices (CREATE TABLE IF NOT EXISTS ... skipping) would go to stderr, past the
  // log; warnings and errors still come back with their results.
  Status set = postgres_execute(
      db.get(), "SET client_encoding = 'UTF8'; SET client_min_messages = warning", "connecting");
  if (set && sync != nullptr) {
    set = postgres_execute(
        db.get(),
        *sync == SyncMode::full ? "SET synchronous_commit = on" : "SET synchronous_commit = off",
        "setting synchronous_commit");
  }
  if (!set) return set.error();
  return db;
}

void PgParams::own(std::string value) {
  owned_index_.push_back(static_cast<int>(owned_.size()));
  owned_.push_back(std::move(value));
  values_.push_back(nullptr);  // pointed at owned_ in values(): owned_ may still grow
}

const char* const* PgParams::values() {
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (owned_index_[i] >= 0)
      values_[i] = owned_[static_cast<std::size_t>(owned_index_[i])].c_str();
  }
  return values_.data();
}

Result<PgResult> postgres_run(PGconn* db, const char* sql_or_name, PgParams& params,
                              std::string_view doing, bool prepared) {
  PgResult result(prepared ? PQexecPrepared(db, sql_or_name, params.count(), params.values(),
                                            nullptr, nullptr, 0)
                           : PQexecParams(db, sql_or_name, params.count(), nullptr, params.values(),
                                          nullptr, nullptr, 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return postgres_error(db, result.get(), doing);
  }
  return result;
}

Status postgres_execute(PGconn* db, const char* sql, std::string_view doing) {
  PgResult result(PQexec(db, sql));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return postgres_error(db, result.get(), doing);
  }
  return {};
}

Status postgres_prepare(PGconn* db, const char* name, const std::string& sql) {
  PgResult result(PQprepare(db, name, sql.c_str(), 0, nullptr));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return postgres_error(db, result.get(), std::string("preparing ") + name);
  }
  return {};
}

}  // namespace chorus
