#include "actors/store/postgres_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>

#include "actors/store/postgres_queries.hpp"

namespace chorus {

namespace {

// The columns of one record, in postgres_queries' parameter order.
void add_columns(PgParams& params, const StoredRecord& r) {
  switch (shape_of(r.table)) {
    case StoredShape::listed:
      params.add(r.id);
      params.add(r.customer_id);
      params.add(r.tm_create.micros());
      params.add(r.tm_update.micros());
      params.add_or_null(r.tm_delete);
      params.add(r.live);
      params.add_text(r.body);
      return;
    case StoredShape::directory:
      params.add(r.id);
      params.add(r.customer_id);
      params.add_or_null(r.tm_delete);
      params.add_text(r.body);
      return;
    case StoredShape::ring_group:
      params.add(std::int64_t{r.ring_group_id});
      params.add(r.customer_id);
      params.add_or_null(r.tm_delete);
      params.add_text(r.body);
      return;
    case StoredShape::missed_call:
      params.add(r.id);
      params.add(r.customer_id);
      params.add(r.extension_id);
      params.add(r.tm_create.micros());
      params.add_text(r.body);
      return;
  }
}

// Whatever points at another row goes before it (a conferencecall names its
// conference and call, a call its conference and groupcall), as in SQLite's purge.
constexpr StoredTable purge_order[] = {StoredTable::conferencecalls, StoredTable::calls,
                                       StoredTable::conferences, StoredTable::groupcalls,
                                       StoredTable::missed_calls};

}  // namespace

Result<std::unique_ptr<PostgresWriter>> PostgresWriter::open(const std::string& url, SyncMode sync,
                                                             const std::string& node_id) {
  Result<PgConnection> db = postgres_connect(url, &sync);
  if (!db) return db.error();
  // Read by owner_node's default (postgres_queries::owner_column_default).
  PgParams node(1);
  node.add_text(node_id);
  Result<PgResult> set = postgres_run(db->get(), "SELECT set_config('chorus.node', $1, false)",
                                      node, "naming the node", false);
  if (!set) return set.error();
  return std::unique_ptr<PostgresWriter>(new PostgresWriter(std::move(*db), node_id));
}

Status PostgresWriter::send_fence(std::int64_t epoch) {
  PgParams params(2);
  params.add_text(node_id_);
  params.add(epoch);
  if (PQsendQueryParams(db_.get(), postgres_queries::fence, params.count(), nullptr,
                        params.values(), nullptr, nullptr, 0) == 0) {
    return postgres_error(db_.get(), nullptr, "writing a batch");
  }
  return {};
}

Status PostgresWriter::send_upserts(StoredTable table, const StoredRecord* const* first,
                                    std::size_t size, std::size_t& statements) {
  const std::size_t count = statement_rows[size];
  const std::string name = std::string("upsert_") + table_name(table) + '_' + std::to_string(count);
  const int columns = static_cast<int>(postgres_queries::columns_of(shape_of(table)));
  bool& prepared = prepared_[static_cast<std::size_t>(table)][size];
  if (!prepared) {
    // In the pipeline, ahead of its first use. A failed batch drops the whole
    // connection (PostgresStore), so a preparation that failed is never assumed.
    const std::string sql = postgres_queries::upsert(table, count);
    if (PQsendPrepare(db_.get(), name.c_str(), sql.c_str(), columns * static_cast<int>(count),
                      nullptr) == 0) {
      return postgres_error(db_.get(), nullptr, "writing a batch");
    }
    ++statements;
    prepared = true;
  }
  PgParams params(count * static_cast<std::size_t>(columns));
  for (std::size_t i = 0; i < count; ++i) add_columns(params, *first[i]);
  if (PQsendQueryPrepared(db_.get(), name.c_str(), params.count(), params.values(), nullptr,
                          nullptr, 0) == 0) {
    return postgres_error(db_.get(), nullptr, "writing a batch");
  }
  ++statements;
  return {};
}

// Reads the answers of `statements` queries and the sync after them. In a
// pipeline the statements up to the sync run as one implicit transaction: the
// first failure rolls all of them back and the rest come back aborted.
Status PostgresWriter::finish_pipeline(std::size_t statements) {
  PGconn* db = db_.get();
  std::optional<Error> failure;
  for (std::size_t answered = 0; answered < statements; ++answered) {
    PgResult result(PQgetResult(db));
    if (!result) return postgres_error(db, nullptr, "writing a batch");  // connection lost
    const ExecStatusType status = PQresultStatus(result.get());
    const bool done = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;  // the fence
    if (!done && !failure) {
      failure = postgres_error(db, status == PGRES_PIPELINE_ABORTED ? nullptr : result.get(),
                               "writing a batch");
    }
    PgResult end(PQgetResult(db));  // each statement's answers end with a null
  }
  PgResult sync(PQgetResult(db));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
    return failure ? *failure : postgres_error(db, sync.get(), "committing a batch");
  }
  if (PQexitPipelineMode(db) == 0) return postgres_error(db, nullptr, "committing a batch");
  if (failure) return *failure;
  return {};
}

Status PostgresWriter::write(const std::vector<StoreRow>& rows, std::int64_t epoch) {
  std::vector<StoredRecord> records;
  records.reserve(rows.size());
  LastSnapshots last(rows.size());
  for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
    if (!last.first_seen_from_end(*row)) continue;
    if (auto record = stored_record(*row)) records.push_back(std::move(*record));
  }
  if (records.empty()) return {};

  std::array<std::vector<const StoredRecord*>, stored_table_count> by_table;
  for (const StoredRecord& record : records) {
    by_table[static_cast<std::size_t>(record.table)].push_back(&record);
  }
  if (PQenterPipelineMode(db_.get()) == 0) return postgres_error(db_.get(), nullptr, "writing");
  Status sent = send_fence(epoch);
  std::size_t statements = sent ? 1 : 0;
  for (std::size_t t = 0; t < stored_table_count && sent; ++t) {
    const auto& all = by_table[t];
    // The fewest statements of the prepared sizes, largest first: 300 rows go as
    // 256 + 16 + 16 + 4 + 4 + 4.
    for (std::size_t from = 0; from < all.size() && sent;) {
      const std::size_t left = all.size() - from;
      std::size_t size = 0;
      while (statement_rows[size] > left) ++size;  // the last size is 1
      sent = send_upserts(static_cast<StoredTable>(t), all.data() + from, size, statements);
      from += statement_rows[size];
    }
  }
  if (sent && PQpipelineSync(db_.get()) == 0) sent = postgres_error(db_.get(), nullptr, "writing");
  // The writer is dropped after any failure (PostgresStore), so a pipeline left
  // half read never meets the next batch.
  if (!sent) return sent;
  return finish_pipeline(statements);
}

Result<std::size_t> PostgresWriter::purge(Timestamp cutoff, std::size_t limit) {
  if (limit == 0) return std::size_t{0};
  PGconn* db = db_.get();
  Status begun = postgres_execute(db, "BEGIN", "purging");
  if (!begun) return begun.error();
  std::size_t purged = 0;
  for (StoredTable table : purge_order) {
    if (purged == limit) break;
    PgParams params(2);
    params.add(cutoff.micros());
    params.add(static_cast<std::int64_t>(
        std::min<std::size_t>(limit - purged, std::numeric_limits<std::int64_t>::max())));
    Result<PgResult> deleted =
        postgres_run(db, postgres_queries::purge(table).c_str(), params, "purging", false);
    if (!deleted) {
      PQclear(PQexec(db, "ROLLBACK"));
      return deleted.error();
    }
    purged += static_cast<std::size_t>(std::strtoull(PQcmdTuples(deleted->get()), nullptr, 10));
  }
  Status committed = postgres_execute(db, "COMMIT", "purging");
  if (!committed) return committed.error();
  return purged;
}

Result<std::optional<std::int32_t>> PostgresWriter::next_ring_group_id() {
  PgParams none(0);
  Result<PgResult> next = postgres_run(db_.get(), postgres_queries::next_ring_group_id, none,
                                       "numbering a ring group", false);
  if (!next) return next.error();
  return std::optional<std::int32_t>(
      static_cast<std::int32_t>(std::strtol(PQgetvalue(next->get(), 0, 0), nullptr, 10)));
}

Status PostgresWriter::probe() {
  return postgres_execute(db_.get(), postgres_queries::probe, "probing");
}

}  // namespace chorus
