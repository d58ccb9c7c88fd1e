#pragma once
// The store on PostgreSQL 15: what several chorusd nodes share (issue 20), and a
// lone node may use instead of SQLite. The same tables, bodies and contract as
// SqliteStore: a write answers once committed (synchronous_commit on for
// --sync full, off for normal), nothing of a failed batch is kept, and a fault
// that clears (PostgreSQL restarted, the network back) needs no restart: the
// connection that failed is dropped and the next call opens a fresh one. One
// write connection under a mutex; up to max_readers read connections; the
// lease's own connection.

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

class NodeLease;
class PostgresLease;
class PostgresReader;
class PostgresWriter;

class PostgresStore final : public PooledReads<PostgresReader> {
 public:
  static constexpr std::size_t max_readers = 4;

  // Connects to options.postgres_url, brings the schema forward (one node at a
  // time when several start together; a schema newer than this binary is refused)
  // and claims the lease of node options.node_id under a new epoch: whatever an
  // earlier process of this node writes from now on is fenced off, and load()
  // returns the live resources this node owns.
  static Result<std::unique_ptr<PostgresStore>> open(const StoreOptions& options);
  ~PostgresStore() override;

  // This node's lease, for the failover of a cluster (actors/failover.hpp).
  std::shared_ptr<NodeLease> lease() const;

  Status write(const std::vector<StoreRow>& rows) override;
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) override;
  Status probe() override;
  // From the sequence chorus_ring_group_ids: unique across nodes.
  Result<std::optional<std::int32_t>> next_ring_group_id() override;

 private:
  PostgresStore(const StoreOptions& options, std::shared_ptr<PostgresLease> lease,
                std::unique_ptr<PostgresWriter> writer);
  template <class Answer, class Use>
  Answer with_writer(Use&& use);

  const std::string url_;
  const SyncMode sync_;
  const std::shared_ptr<PostgresLease> lease_;
  std::mutex write_mutex_;
  std::unique_ptr<PostgresWriter> writer_;  // null after a failure, until the next call
};

}  // namespace chorus
