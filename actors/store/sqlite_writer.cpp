#include "actors/store/sqlite_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>

#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_error.hpp"
#include "actors/store/sqlite_queries.hpp"
#include "actors/store/sqlite_store.hpp"
#include "actors/store/stored_bodies.hpp"
#include "model/conference_json.hpp"
#include "model/conference_transitions.hpp"
#include "model/json.hpp"

namespace chorus {

namespace {

int run(Statement& statement) {
  StatementScope scope(statement);
  return scope->step();
}

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, max));
}

// Walking a batch from its end: is this row the last snapshot of its resource?
// Earlier ones would be overwritten in the same transaction, so they are skipped.
class LastSnapshots {
 public:
  explicit LastSnapshots(std::size_t batch_size) : single_(batch_size < 2) {}

  bool first_seen_from_end(const StoreRow& row) {
    if (single_) return true;
    const Uuid id = std::visit([](const auto& r) { return r ? row_key(*r) : Uuid(); }, row);
    return seen_[row.index()].insert(id).second;
  }

 private:
  bool single_;
  std::array<std::unordered_set<Uuid>, std::variant_size_v<StoreRow>> seen_;
};

// Groupcalls, calls, conferences and conferencecalls: listed by customer and
// creation, kept live until their final status.
template <class Resource>
int upsert_listed(Statement& statement, const Resource& resource, bool live) {
  const std::string body = to_json(resource);
  StatementScope scope(statement);  // reset before `body` goes
  scope->bind(1, resource.id);
  scope->bind(2, resource.customer_id);
  scope->bind(3, resource.tm_create.micros());
  scope->bind(4, resource.tm_update.micros());
  scope->bind_or_null(5, resource.tm_delete);
  scope->bind(6, std::int64_t{live ? 1 : 0});
  scope->bind_text(7, body);
  return scope->step();
}

// Agents and extensions: the directory.
template <class Entry>
int upsert_directory(Statement& statement, const Entry& entry) {
  const std::string body = to_json(entry);
  StatementScope scope(statement);
  scope->bind(1, entry.id);
  scope->bind(2, entry.customer_id);
  scope->bind_or_null(3, entry.tm_delete);
  scope->bind_text(4, body);
  return scope->step();
}

int upsert_extension_group(Statement& statement, const ExtensionGroup& group) {
  const std::string body = to_json(group);
  StatementScope scope(statement);
  scope->bind(1, group.id);
  scope->bind(2, group.customer_id);
  scope->bind_or_null(3, group.tm_delete);
  scope->bind_text(4, body);
  return scope->step();
}

int upsert_ring_group(Statement& statement, const RingGroup& group) {
  const std::string body = stored_bodies::encode(group);
  StatementScope scope(statement);
  scope->bind(1, std::int64_t{group.id});
  scope->bind(2, group.customer_id);
  scope->bind_or_null(3, group.tm_delete);
  scope->bind_text(4, body);
  return scope->step();
}

int upsert_instant_group_call(Statement& statement, const InstantGroupCall& service) {
  const std::string body = stored_bodies::encode(service);
  StatementScope scope(statement);
  scope->bind(1, service.id);
  scope->bind(2, service.customer_id);
  scope->bind_or_null(3, service.tm_delete);
  scope->bind_text(4, body);
  return scope->step();
}

int upsert_missed_call(Statement& statement, const MissedCall& call) {
  const std::string body = to_json(call);
  StatementScope scope(statement);
  scope->bind(1, call.id);
  scope->bind(2, call.customer_id);
  scope->bind(3, call.extension_id);
  scope->bind(4, call.tm_create.micros());
  scope->bind_text(5, body);
  return scope->step();
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
      {&upsert_groupcall_, sqlite_queries::upsert_groupcall},
      {&upsert_call_, sqlite_queries::upsert_call},
      {&upsert_agent_, sqlite_queries::upsert_agent},
      {&upsert_extension_, sqlite_queries::upsert_extension},
      {&upsert_conference_, sqlite_queries::upsert_conference},
      {&upsert_conferencecall_, sqlite_queries::upsert_conferencecall},
      {&upsert_extension_group_, sqlite_queries::upsert_extension_group},
      {&upsert_ring_group_, sqlite_queries::upsert_ring_group},
      {&upsert_missed_call_, sqlite_queries::upsert_missed_call},
      {&upsert_instant_group_call_, sqlite_queries::upsert_instant_group_call},
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

int SqliteWriter::upsert(const StoreRow& row) {
  return std::visit(
      [this](const auto& resource) -> int {
        using Resource = std::decay_t<decltype(*resource)>;
        if (!resource) return SQLITE_DONE;
        if constexpr (std::is_same_v<Resource, Groupcall>) {
          return upsert_listed(upsert_groupcall_, *resource,
                               resource->status != GroupcallStatus::hangup);
        } else if constexpr (std::is_same_v<Resource, Call>) {
          return upsert_listed(upsert_call_, *resource, resource->status != CallStatus::hangup);
        } else if constexpr (std::is_same_v<Resource, Conference>) {
          return upsert_listed(upsert_conference_, *resource, !is_final(resource->status));
        } else if constexpr (std::is_same_v<Resource, Conferencecall>) {
          return upsert_listed(upsert_conferencecall_, *resource, !is_final(resource->status));
        } else if constexpr (std::is_same_v<Resource, Agent>) {
          return upsert_directory(upsert_agent_, *resource);
        } else if constexpr (std::is_same_v<Resource, ExtensionGroup>) {
          return upsert_extension_group(upsert_extension_group_, *resource);
        } else if constexpr (std::is_same_v<Resource, RingGroup>) {
          return upsert_ring_group(upsert_ring_group_, *resource);
        } else if constexpr (std::is_same_v<Resource, MissedCall>) {
          return upsert_missed_call(upsert_missed_call_, *resource);
        } else if constexpr (std::is_same_v<Resource, InstantGroupCall>) {
          return upsert_instant_group_call(upsert_instant_group_call_, *resource);
        } else {
          static_assert(std::is_same_v<Resource, Extension>, "a StoreRow kind with no table");
          return upsert_directory(upsert_extension_, *resource);
        }
      },
      row);
}

Status SqliteWriter::write(const std::vector<StoreRow>& rows) {
  if (rows.empty()) return {};
  return in_transaction("writing a batch", [&] {
    LastSnapshots last(rows.size());
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
      if (!last.first_seen_from_end(*row)) continue;
      const int rc = upsert(*row);
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
