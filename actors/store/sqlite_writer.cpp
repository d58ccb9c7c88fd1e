#include "actors/store/sqlite_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_error.hpp"
#include "actors/store/sqlite_queries.hpp"
#include "actors/store/sqlite_store.hpp"

namespace chorus {

namespace {

int run(Statement& statement) {
  StatementScope scope(statement);
  return scope->step();
}

constexpr std::size_t table_index(StoredTable table) {
  return static_cast<std::size_t>(table);
}

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, max));
}

}  // namespace

Result<std::unique_ptr<SqliteWriter>> SqliteWriter::create(Connection db) {
  std::unique_ptr<SqliteWriter> writer(new SqliteWriter(std::move(db)));
  Status prepared = writer->prepare_all();
  if (!prepared) return prepared.error();
  return Result<std::unique_ptr<SqliteWriter>>(std::move(writer));
}

Result<std::unique_ptr<SqliteWriter>> SqliteWriter::open(const std::string& path, SyncMode sync) {
  Result<Connection> db = open_connection(path, SQLITE_OPEN_READWRITE);
  if (!db) return db.error();
  Status configured = configure_writer(db->get(), sync);
  if (!configured) return configured.error();
  return create(std::move(*db));
}

Status SqliteWriter::prepare_all() {
  // The probe sets the schema version to the value it has.
  static const std::string probe_sql =
      "PRAGMA user_version = " + std::to_string(SqliteStore::schema_version);
  const std::pair<Statement*, const char*> statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&upserts_[table_index(StoredTable::groupcalls)], sqlite_queries::upsert_groupcall},
      {&upserts_[table_index(StoredTable::calls)], sqlite_queries::upsert_call},
      {&upserts_[table_index(StoredTable::conferences)], sqlite_queries::upsert_conference},
      {&upserts_[table_index(StoredTable::conferencecalls)], sqlite_queries::upsert_conferencecall},
      {&upserts_[table_index(StoredTable::agents)], sqlite_queries::upsert_agent},
      {&upserts_[table_index(StoredTable::extensions)], sqlite_queries::upsert_extension},
      {&upserts_[table_index(StoredTable::extension_groups)],
       sqlite_queries::upsert_extension_group},
      {&upserts_[table_index(StoredTable::ring_groups)], sqlite_queries::upsert_ring_group},
      {&upserts_[table_index(StoredTable::instant_group_calls)],
       sqlite_queries::upsert_instant_group_call},
      {&upserts_[table_index(StoredTable::missed_calls)], sqlite_queries::upsert_missed_call},
      {&purge_calls_, sqlite_queries::purge_calls},
      {&purge_groupcalls_, sqlite_queries::purge_groupcalls},
      {&purge_conferencecalls_, sqlite_queries::purge_conferencecalls},
      {&purge_conferences_, sqlite_queries::purge_conferences},
      {&purge_missed_calls_, sqlite_queries::purge_missed_calls},
      {&probe_, probe_sql.c_str()},
  };
  for (const auto& [statement, sql] : statements) {
    Result<Statement> prepared = Statement::prepare(db_.get(), sql);
    if (!prepared) return prepared.error();
    *statement = std::move(*prepared);
  }
  return {};
}

template <class Body>
Status SqliteWriter::in_transaction(const char* doing, Body&& body) {
  int rc = run(begin_);
  if (rc == SQLITE_DONE) rc = body();
  if (rc == SQLITE_DONE) rc = run(commit_);
  if (rc == SQLITE_DONE) return {};
  Error error = sqlite_error(rc, db_.get(), doing);
  // SQLite rolls some failures back itself (SQLITE_FULL, SQLITE_IOERR, ...);
  // a COMMIT refused as busy leaves the transaction open.
  if (sqlite3_get_autocommit(db_.get()) == 0) run(rollback_);
  return error;
}

// The columns each shape binds, in sqlite_queries.hpp's parameter order.
int SqliteWriter::upsert(const StoredRecord& r) {
  StatementScope scope(upserts_[table_index(r.table)]);  // reset before `r.body` goes
  switch (shape_of(r.table)) {
    case StoredShape::listed:
      scope->bind(1, r.id);
      scope->bind(2, r.customer_id);
      scope->bind(3, r.tm_create.micros());
      scope->bind(4, r.tm_update.micros());
      scope->bind_or_null(5, r.tm_delete);
      scope->bind(6, std::int64_t{r.live ? 1 : 0});
      scope->bind_text(7, r.body);
      break;
    case StoredShape::directory:
      scope->bind(1, r.id);
      scope->bind(2, r.customer_id);
      scope->bind_or_null(3, r.tm_delete);
      scope->bind_text(4, r.body);
      break;
    case StoredShape::ring_group:
      scope->bind(1, std::int64_t{r.ring_group_id});
      scope->bind(2, r.customer_id);
      scope->bind_or_null(3, r.tm_delete);
      scope->bind_text(4, r.body);
      break;
    case StoredShape::missed_call:
      scope->bind(1, r.id);
      scope->bind(2, r.customer_id);
      scope->bind(3, r.extension_id);
      scope->bind(4, r.tm_create.micros());
      scope->bind_text(5, r.body);
      break;
  }
  return scope->step();
}

Status SqliteWriter::write(const std::vector<StoreRow>& rows) {
  if (rows.empty()) return {};
  return in_transaction("writing a batch", [&] {
    LastSnapshots last(rows.size());
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
      if (!last.first_seen_from_end(*row)) continue;
      std::optional<StoredRecord> record = stored_record(*row);
      if (!record) continue;
      const int rc = upsert(*record);
      if (rc != SQLITE_DONE) return rc;
    }
    return SQLITE_DONE;
  });
}

Result<std::size_t> SqliteWriter::purge(Timestamp cutoff, std::size_t limit) {
  if (limit == 0) return std::size_t{0};
  std::size_t purged = 0;
  // Whatever points at another row goes before it: a conferencecall names its
  // conference and its call, a call its conference and its groupcall. Each ends
  // before what it points at, so it is older and its turn comes first anyway, and
  // no stored row is left pointing at a purged one.
  Status status = in_transaction("purging", [&] {
    for (Statement* statement : {&purge_conferencecalls_, &purge_calls_, &purge_conferences_,
                                 &purge_groupcalls_, &purge_missed_calls_}) {
      if (purged == limit) break;
      StatementScope scope(*statement);
      scope->bind(1, cutoff.micros());
      scope->bind(2, sql_limit(limit - purged));
      const int rc = scope->step();
      if (rc != SQLITE_DONE) return rc;
      purged += static_cast<std::size_t>(sqlite3_changes64(db_.get()));
    }
    return SQLITE_DONE;
  });
  if (!status) return status.error();
  return purged;
}

Status SqliteWriter::probe() {
  return in_transaction("probing", [&] { return run(probe_); });
}

}  // namespace chorus
