#include "actors/store/sqlite_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_error.hpp"
#include "actors/store/sqlite_queries.hpp"
#include "actors/store/stored_kinds.hpp"

namespace chorus {

namespace {

using stored_kinds::Kind;

// Steps `statement` (bound by the caller) to its end, decoding each row's body.
template <class T>
Status collect(sqlite3* db, Statement& statement, const Kind<T>& kind, std::vector<T>& out) {
  int rc = SQLITE_ROW;
  while ((rc = statement.step()) == SQLITE_ROW) {
    Result<T> value = kind.decode(statement.column_text(0));
    if (!value) {
      return stored_kinds::corrupt_row(kind.table, value.error());
    }
    out.push_back(std::move(*value));
  }
  if (rc != SQLITE_DONE) return sqlite_error(rc, db, std::string("reading ") + kind.table);
  return {};
}

template <class T>
Result<std::optional<T>> find(sqlite3* db, Statement& statement, const Kind<T>& kind,
                              const Uuid& id) {
  StatementScope scope(statement);
  scope->bind(1, id);
  std::vector<T> found;
  Status status = collect(db, statement, kind, found);
  if (!status) return status.error();
  if (found.empty()) return std::optional<T>();
  return std::optional<T>(std::move(found.front()));
}

template <class T>
Result<std::vector<T>> list(sqlite3* db, Statement& statement, const Kind<T>& kind,
                            const Uuid& customer_id, std::size_t limit,
                            std::optional<Timestamp> before) {
  constexpr std::int64_t unbounded = std::numeric_limits<std::int64_t>::max();
  std::vector<T> listed;
  if (limit == 0) return listed;
  StatementScope scope(statement);
  scope->bind(1, customer_id);
  scope->bind(2, before ? before->micros() : unbounded);
  scope->bind(3, static_cast<std::int64_t>(
                     std::min<std::size_t>(limit, static_cast<std::size_t>(unbounded))));
  Status status = collect(db, statement, kind, listed);
  if (!status) return status.error();
  return listed;
}

std::int64_t bound(std::optional<Timestamp> before) {
  return before ? before->micros() : std::numeric_limits<std::int64_t>::max();
}

template <class T>
Status load_all(sqlite3* db, Statement& statement, const Kind<T>& kind, std::vector<T>& out) {
  StatementScope scope(statement);
  return collect(db, statement, kind, out);
}

}  // namespace

Result<std::unique_ptr<SqliteReader>> SqliteReader::open(const std::string& path) {
  Result<Connection> db = open_connection(path, SQLITE_OPEN_READONLY);
  if (!db) return db.error();
  std::unique_ptr<SqliteReader> reader(new SqliteReader(std::move(*db)));
  Status prepared = reader->prepare_all();
  if (!prepared) return prepared.error();
  return Result<std::unique_ptr<SqliteReader>>(std::move(reader));
}

Status SqliteReader::prepare_all() {
  const std::pair<Statement*, const char*> statements[] = {
      {&begin_, "BEGIN"},
      {&commit_, "COMMIT"},
      {&groupcall_by_id_, sqlite_queries::groupcall_by_id},
      {&call_by_id_, sqlite_queries::call_by_id},
      {&list_groupcalls_, sqlite_queries::list_groupcalls},
      {&list_calls_, sqlite_queries::list_calls},
      {&conference_by_id_, sqlite_queries::conference_by_id},
      {&conferencecall_by_id_, sqlite_queries::conferencecall_by_id},
      {&list_conferences_, sqlite_queries::list_conferences},
      {&list_conferencecalls_, sqlite_queries::list_conferencecalls},
      {&load_agents_, sqlite_queries::load_agents},
      {&load_extensions_, sqlite_queries::load_extensions},
      {&list_missed_calls_, sqlite_queries::list_missed_calls},
      {&load_extension_groups_, sqlite_queries::load_extension_groups},
      {&load_ring_groups_, sqlite_queries::load_ring_groups},
      {&load_instant_group_calls_, sqlite_queries::load_instant_group_calls},
      {&highest_ring_group_id_, sqlite_queries::highest_ring_group_id},
      {&load_groupcalls_, sqlite_queries::load_groupcalls},
      {&load_calls_, sqlite_queries::load_calls},
      {&load_conferences_, sqlite_queries::load_conferences},
      {&load_conferencecalls_, sqlite_queries::load_conferencecalls},
  };
  for (const auto& [statement, sql] : statements) {
    Result<Statement> prepared = Statement::prepare(db_.get(), sql);
    if (!prepared) return prepared.error();
    *statement = std::move(*prepared);
  }
  return {};
}

Result<std::optional<Groupcall>> SqliteReader::groupcall(const Uuid& id) {
  return find(db_.get(), groupcall_by_id_, stored_kinds::groupcall, id);
}

Result<std::optional<Call>> SqliteReader::call(const Uuid& id) {
  return find(db_.get(), call_by_id_, stored_kinds::call, id);
}

Result<std::vector<Groupcall>> SqliteReader::groupcalls(const Uuid& customer_id, std::size_t limit,
                                                        std::optional<Timestamp> before) {
  return list(db_.get(), list_groupcalls_, stored_kinds::groupcall, customer_id, limit, before);
}

Result<std::vector<Call>> SqliteReader::calls(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before) {
  return list(db_.get(), list_calls_, stored_kinds::call, customer_id, limit, before);
}

Result<std::optional<Conference>> SqliteReader::conference(const Uuid& id) {
  return find(db_.get(), conference_by_id_, stored_kinds::conference, id);
}

Result<std::optional<Conferencecall>> SqliteReader::conferencecall(const Uuid& id) {
  return find(db_.get(), conferencecall_by_id_, stored_kinds::conferencecall, id);
}

Result<std::vector<Conference>> SqliteReader::conferences(const Uuid& customer_id,
                                                          std::size_t limit,
                                                          std::optional<Timestamp> before) {
  return list(db_.get(), list_conferences_, stored_kinds::conference, customer_id, limit, before);
}

Result<std::vector<Conferencecall>> SqliteReader::conferencecalls(const Uuid& customer_id,
                                                                  std::size_t limit,
                                                                  std::optional<Timestamp> before) {
  return list(db_.get(), list_conferencecalls_, stored_kinds::conferencecall, customer_id, limit,
              before);
}

Result<std::vector<MissedCall>> SqliteReader::missed_calls(const Uuid& customer_id,
                                                           const Uuid& extension_id,
                                                           std::size_t limit,
                                                           std::optional<Timestamp> before) {
  std::vector<MissedCall> listed;
  if (limit == 0) return listed;
  StatementScope scope(list_missed_calls_);
  scope->bind(1, extension_id);
  scope->bind(2, customer_id);
  scope->bind(3, bound(before));
  scope->bind(4, static_cast<std::int64_t>(std::min<std::size_t>(
                     limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))));
  Status status = collect(db_.get(), list_missed_calls_, stored_kinds::missed_call, listed);
  if (!status) return status.error();
  return listed;
}

Status SqliteReader::load_highest_ring_group_id(std::int32_t& out) {
  StatementScope scope(highest_ring_group_id_);
  const int rc = scope->step();
  if (rc != SQLITE_ROW) return sqlite_error(rc, db_.get(), "reading the highest ring group id");
  out = static_cast<std::int32_t>(scope->column_int64(0));
  return {};
}

Result<StoredState> SqliteReader::load() {
  sqlite3* db = db_.get();
  StoredState state;
  Status status;
  {
    StatementScope begin(begin_);
    const int rc = begin->step();
    if (rc != SQLITE_DONE) return sqlite_error(rc, db, "starting to load");
  }
  status = load_all(db, load_agents_, stored_kinds::agent, state.agents);
  if (status) status = load_all(db, load_extensions_, stored_kinds::extension, state.extensions);
  if (status) {
    status =
        load_all(db, load_extension_groups_, stored_kinds::extension_group, state.extension_groups);
  }
  if (status) status = load_all(db, load_ring_groups_, stored_kinds::ring_group, state.ring_groups);
  if (status) status = load_highest_ring_group_id(state.highest_ring_group_id);
  if (status) {
    status = load_all(db, load_instant_group_calls_, stored_kinds::instant_group_call,
                      state.instant_group_calls);
  }
  if (status)
    status = load_all(db, load_groupcalls_, stored_kinds::groupcall, state.live_groupcalls);
  if (status) status = load_all(db, load_calls_, stored_kinds::call, state.live_calls);
  if (status) {
    status = load_all(db, load_conferences_, stored_kinds::conference, state.live_conferences);
  }
  if (status) {
    status = load_all(db, load_conferencecalls_, stored_kinds::conferencecall,
                      state.live_conferencecalls);
  }
  StatementScope commit(commit_);
  const int rc = commit->step();
  if (!status) return status.error();
  if (rc != SQLITE_DONE) return sqlite_error(rc, db, "ending the load");
  return state;
}

}  // namespace chorus
