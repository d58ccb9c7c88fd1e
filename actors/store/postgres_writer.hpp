#pragma once
// The PostgreSQL store's write connection: write() sends a batch as the fence and
// upserts of each table's rows in one pipeline, so a batch costs one round trip
// and commits as one transaction; purge() deletes ended rows past retention;
// probe() commits a write that changes nothing. Used by one thread at a time
// (PostgresStore holds a mutex around it).
//
// Each upsert is a statement prepared once per connection, for one of a few row
// counts (statement_rows): a table's rows go as the fewest statements of those
// sizes. Parsing and planning a statement of hundreds of rows anew for every
// batch took the server longer than writing them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/postgres_connection.hpp"
#include "actors/store/stored_record.hpp"
#include "config/store_options.hpp"

namespace chorus {

class PostgresWriter {
 public:
  // The row counts an upsert is prepared for, largest first, down to one.
  // PostgreSQL takes at most 65,535 parameters per statement: 256 rows of the
  // widest shape (7 columns) stay well under it.
  static constexpr std::size_t statement_rows[] = {256, 64, 16, 4, 1};

  // Connects with `sync`'s synchronous_commit, on a database already migrated, as
  // node `node_id`: the owner each live row it writes records.
  static Result<std::unique_ptr<PostgresWriter>> open(const std::string& url, SyncMode sync,
                                                      const std::string& node_id);

  // Upserts the last row of each resource in `rows`; null rows are skipped. The
  // batch is fenced: it fails whole unless `epoch` is still the node's.
  Status write(const std::vector<StoreRow>& rows, std::int64_t epoch);
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit);
  Status probe();
  Result<std::optional<std::int32_t>> next_ring_group_id();
  // False once the server has closed the connection.
  bool usable() const { return postgres_alive(db_.get()); }

 private:
  PostgresWriter(PgConnection db, std::string node_id)
      : db_(std::move(db)), node_id_(std::move(node_id)) {}
  Status send_fence(std::int64_t epoch);
  // Sends one upsert of statement_rows[size] records from `first`, prepared
  // first if this connection has not yet; counts what it sent.
  Status send_upserts(StoredTable table, const StoredRecord* const* first, std::size_t size,
                      std::size_t& statements);
  Status finish_pipeline(std::size_t statements);

  PgConnection db_;
  const std::string node_id_;
  // Which upserts this connection has prepared, by table and statement_rows index.
  std::array<std::array<bool, std::size(statement_rows)>, stored_table_count> prepared_{};
};

}  // namespace chorus
