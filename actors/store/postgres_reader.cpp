#include "actors/store/postgres_reader.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

#include "actors/store/postgres_queries.hpp"
#include "actors/store/postgres_rows.hpp"
#include "actors/store/stored_kinds.hpp"

namespace chorus {

namespace {

using stored_kinds::Kind;

// Prepared statement names: "<what>_<table>".
std::string by_id_name(StoredTable t) {
  return std::string("by_id_") + postgres_queries::table_name(t);
}
std::string list_name(StoredTable t) {
  return std::string("list_") + postgres_queries::table_name(t);
}
std::string load_name(StoredTable t) {
  return std::string("load_") + postgres_queries::table_name(t);
}
constexpr const char* list_missed_calls_name = "list_missed_calls";

constexpr StoredTable listed_tables[] = {StoredTable::groupcalls, StoredTable::calls,
                                         StoredTable::conferences, StoredTable::conferencecalls};
// The directory a restart loads (live resources: postgres_left_live).
constexpr StoredTable loaded_tables[] = {StoredTable::agents, StoredTable::extensions,
                                         StoredTable::extension_groups, StoredTable::ring_groups,
                                         StoredTable::instant_group_calls};

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, max));
}

std::int64_t bound(std::optional<Timestamp> before) {
  return before ? before->micros() : std::numeric_limits<std::int64_t>::max();
}

template <class T>
Result<std::vector<T>> run_collect(PGconn* db, const std::string& name, PgParams& params,
                                   const Kind<T>& kind) {
  Result<PgResult> result =
      postgres_run(db, name.c_str(), params, std::string("reading ") + kind.table, true);
  if (!result) return result.error();
  std::vector<T> out;
  Status decoded = postgres_collect(*result, kind, out);
  if (!decoded) return decoded.error();
  return out;
}

template <class T>
Result<std::optional<T>> find(PGconn* db, StoredTable table, const Kind<T>& kind, const Uuid& id) {
  PgParams params(1);
  params.add(id);
  Result<std::vector<T>> found = run_collect(db, by_id_name(table), params, kind);
  if (!found) return found.error();
  if (found->empty()) return std::optional<T>();
  return std::optional<T>(std::move(found->front()));
}

template <class T>
Result<std::vector<T>> list(PGconn* db, StoredTable table, const Kind<T>& kind,
                            const Uuid& customer_id, std::size_t limit,
                            std::optional<Timestamp> before) {
  if (limit == 0) return std::vector<T>();
  PgParams params(3);
  params.add(customer_id);
  params.add(bound(before));
  params.add(sql_limit(limit));
  return run_collect(db, list_name(table), params, kind);
}

template <class T>
Status load_all(PGconn* db, StoredTable table, const Kind<T>& kind, std::vector<T>& out) {
  PgParams none(0);
  Result<std::vector<T>> loaded = run_collect(db, load_name(table), none, kind);
  if (!loaded) return loaded.error();
  out = std::move(*loaded);
  return {};
}

}  // namespace

Result<std::unique_ptr<PostgresReader>> PostgresReader::open(const PostgresTarget& target) {
  Result<PgConnection> db = postgres_connect(target.url);
  if (!db) return db.error();
  std::unique_ptr<PostgresReader> reader(new PostgresReader(std::move(*db), target.node_id));
  Status prepared = reader->prepare_all();
  if (!prepared) return prepared.error();
  return Result<std::unique_ptr<PostgresReader>>(std::move(reader));
}

Status PostgresReader::prepare_all() {
  PGconn* db = db_.get();
  Status status;
  for (StoredTable table : listed_tables) {
    if (status)
      status = postgres_prepare(db, by_id_name(table).c_str(), postgres_queries::by_id(table));
    if (status)
      status = postgres_prepare(db, list_name(table).c_str(), postgres_queries::list(table));
  }
  for (StoredTable table : loaded_tables) {
    if (status)
      status = postgres_prepare(db, load_name(table).c_str(), postgres_queries::load(table));
  }
  if (status) {
    status = postgres_prepare(db, list_missed_calls_name, postgres_queries::list_missed_calls);
  }
  return status;
}

Result<std::optional<Groupcall>> PostgresReader::groupcall(const Uuid& id) {
  return find(db_.get(), StoredTable::groupcalls, stored_kinds::groupcall, id);
}

Result<std::optional<Call>> PostgresReader::call(const Uuid& id) {
  return find(db_.get(), StoredTable::calls, stored_kinds::call, id);
}

Result<std::optional<Conference>> PostgresReader::conference(const Uuid& id) {
  return find(db_.get(), StoredTable::conferences, stored_kinds::conference, id);
}

Result<std::optional<Conferencecall>> PostgresReader::conferencecall(const Uuid& id) {
  return find(db_.get(), StoredTable::conferencecalls, stored_kinds::conferencecall, id);
}

Result<std::vector<Groupcall>> PostgresReader::groupcalls(const Uuid& customer_id,
                                                          std::size_t limit,
                                                          std::optional<Timestamp> before) {
  return list(db_.get(), StoredTable::groupcalls, stored_kinds::groupcall, customer_id, limit,
              before);
}

Result<std::vector<Call>> PostgresReader::calls(const Uuid& customer_id, std::size_t limit,
                                                std::optional<Timestamp> before) {
  return list(db_.get(), StoredTable::calls, stored_kinds::call, customer_id, limit, before);
}

Result<std::vector<Conference>> PostgresReader::conferences(const Uuid& customer_id,
                                                            std::size_t limit,
                                                            std::optional<Timestamp> before) {
  return list(db_.get(), StoredTable::conferences, stored_kinds::conference, customer_id, limit,
              before);
}

Result<std::vector<Conferencecall>> PostgresReader::conferencecalls(
    const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) {
  return list(db_.get(), StoredTable::conferencecalls, stored_kinds::conferencecall, customer_id,
              limit, before);
}

Result<std::vector<MissedCall>> PostgresReader::missed_calls(const Uuid& customer_id,
                                                             const Uuid& extension_id,
                                                             std::size_t limit,
                                                             std::optional<Timestamp> before) {
  if (limit == 0) return std::vector<MissedCall>();
  PgParams params(4);
  params.add(extension_id);
  params.add(customer_id);
  params.add(bound(before));
  params.add(sql_limit(limit));
  return run_collect(db_.get(), list_missed_calls_name, params, stored_kinds::missed_call);
}

Result<StoredState> PostgresReader::load() {
  PGconn* db = db_.get();
  Status status =
      postgres_execute(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting to load");
  if (!status) return status.error();
  StoredState state;
  status = load_all(db, StoredTable::agents, stored_kinds::agent, state.agents);
  if (status)
    status = load_all(db, StoredTable::extensions, stored_kinds::extension, state.extensions);
  if (status) {
    status = load_all(db, StoredTable::extension_groups, stored_kinds::extension_group,
                      state.extension_groups);
  }
  if (status)
    status = load_all(db, StoredTable::ring_groups, stored_kinds::ring_group, state.ring_groups);
  if (status) {
    PgParams none(0);
    Result<PgResult> highest = postgres_run(db, postgres_queries::highest_ring_group_id, none,
                                            "reading the highest ring group id", false);
    if (highest) {
      state.highest_ring_group_id =
          static_cast<std::int32_t>(std::strtol(PQgetvalue(highest->get(), 0, 0), nullptr, 10));
    } else {
      status = highest.error();
    }
  }
  if (status) {
    status = load_all(db, StoredTable::instant_group_calls, stored_kinds::instant_group_call,
                      state.instant_group_calls);
  }
  if (status) {
    // Only what this node owns: the other nodes' live resources are theirs to run.
    Result<LeftLive> left = postgres_left_live(db, node_id_);
    if (left) {
      static_cast<LeftLive&>(state) = std::move(*left);
    } else {
      status = left.error();
    }
  }
  Status ended = postgres_execute(db, "COMMIT", "ending the load");
  if (!status) return status.error();
  if (!ended) return ended.error();
  return state;
}

}  // namespace chorus
