#pragma once
// The PostgreSQL store's write connection: write() sends a batch as the fence and
// one upsert statement per table (at most rows_per_statement rows each) in one
// pipeline, so a batch costs one round trip and commits as one transaction; purge() deletes ended
// rows past retention; probe() commits a write that changes nothing. Used by one
// thread at a time (PostgresStore holds a mutex around it).

#include <cstddef>
#include <cstdint>
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
  // PostgreSQL takes at most 65,535 parameters per statement: 1,000 rows of the
  // widest shape (7 columns) stay well under it.
  static constexpr std::size_t rows_per_statement = 1000;

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
  Status send_upserts(StoredTable table, const std::vector<const StoredRecord*>& records);
  Status finish_pipeline(std::size_t statements);

  PgConnection db_;
  const std::string node_id_;
};

}  // namespace chorus
