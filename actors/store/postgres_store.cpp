#include "actors/store/postgres_store.hpp"

#include <utility>

#include "actors/store/pooled_reads_impl.hpp"
#include "actors/store/postgres_connection.hpp"
#include "actors/store/postgres_lease.hpp"
#include "actors/store/postgres_reader.hpp"
#include "actors/store/postgres_schema.hpp"
#include "actors/store/postgres_writer.hpp"

namespace chorus {

template class PooledReads<PostgresReader>;

PostgresStore::PostgresStore(const StoreOptions& options, std::shared_ptr<PostgresLease> lease,
                             std::unique_ptr<PostgresWriter> writer)
    : PooledReads(PostgresTarget{options.postgres_url, options.node_id}, max_readers),
      url_(options.postgres_url),
      sync_(options.sync),
      lease_(std::move(lease)),
      writer_(std::move(writer)) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const StoreOptions& options) {
  {
    Result<PgConnection> db = postgres_connect(options.postgres_url);
    if (!db) return db.error();
    Status migrated = postgres_migrate(db->get());
    if (!migrated) return migrated.error();
  }
  auto lease = std::make_shared<PostgresLease>(options.postgres_url, options.node_id,
                                               std::chrono::milliseconds(options.lease_ms));
  // What the claim finds live is what load() returns: recovery ends it.
  Result<LeftLive> claimed = lease->claim();
  if (!claimed) return claimed.error();
  Result<std::unique_ptr<PostgresWriter>> writer =
      PostgresWriter::open(options.postgres_url, options.sync, options.node_id);
  if (!writer) return writer.error();
  return std::unique_ptr<PostgresStore>(
      new PostgresStore(options, std::move(lease), std::move(*writer)));
}

std::shared_ptr<NodeLease> PostgresStore::lease() const {
  return lease_;
}

// A failure may leave the connection unusable (PostgreSQL restarted, the network
// cut, a pipeline half read), so the writer that failed is closed and the next
// call connects afresh: the fault clearing is all a retry needs.
template <class Answer, class Use>
Answer PostgresStore::with_writer(Use&& use) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  // A connection the server closed while it sat idle (PostgreSQL restarted) is
  // replaced before it fails a write that never reached the new server.
  if (writer_ && !writer_->usable()) writer_.reset();
  if (!writer_) {
    Result<std::unique_ptr<PostgresWriter>> reopened =
        PostgresWriter::open(url_, sync_, lease_->node_id());
    if (!reopened) return reopened.error();
    writer_ = std::move(*reopened);
  }
  Answer answer = use(*writer_);
  if (!answer.ok()) writer_.reset();
  return answer;
}

Status PostgresStore::write(const std::vector<StoreRow>& rows) {
  return with_writer<Status>([&](PostgresWriter& w) { return w.write(rows, lease_->epoch()); });
}

Result<std::size_t> PostgresStore::purge(Timestamp cutoff, std::size_t limit) {
  return with_writer<Result<std::size_t>>(
      [&](PostgresWriter& w) { return w.purge(cutoff, limit); });
}

Result<std::optional<std::int32_t>> PostgresStore::next_ring_group_id() {
  return with_writer<Result<std::optional<std::int32_t>>>(
      [](PostgresWriter& w) { return w.next_ring_group_id(); });
}

Status PostgresStore::probe() {
  return with_writer<Status>([&](PostgresWriter& w) { return w.probe(); });
}

}  // namespace chorus
