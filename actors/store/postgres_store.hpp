#pragma once
// The store on PostgreSQL 15: what several chorusd nodes share (issue 20), and a
// lone node may use instead of SQLite. The same tables, bodies and contract as
// SqliteStore: a write answers once committed (synchronous_commit on for
// --sync full, off for normal), nothing of a failed batch is kept, and a fault
// that clears (PostgreSQL restarted, the network back) needs no restart: the
// connection that failed is dropped and the next call opens a fresh one. One
// write connection under a mutex; up to max_readers read connections.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/pooled_reads.hpp"
#include "config/store_options.hpp"

namespace chorus {

class PostgresReader;
class PostgresWriter;

class PostgresStore final : public PooledReads<PostgresReader> {
 public:
  static constexpr std::size_t max_readers = 4;

  // Connects to options.postgres_url and brings the schema forward (one node at a
  // time when several start together). Refuses a schema newer than this binary.
  static Result<std::unique_ptr<PostgresStore>> open(const StoreOptions& options);
  ~PostgresStore() override;

  Status write(const std::vector<StoreRow>& rows) override;
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) override;
  Status probe() override;

 private:
  PostgresStore(std::string url, SyncMode sync, std::unique_ptr<PostgresWriter> writer);
  template <class Answer, class Use>
  Answer with_writer(Use&& use);

  const std::string url_;
  const SyncMode sync_;
  std::mutex write_mutex_;
  std::unique_ptr<PostgresWriter> writer_;  // null after a failure, until the next call
};

}  // namespace chorus
