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
#include "config/store_options.hpp"

namespace chorus {

class PostgresWriter;
class PostgresReader;
template <class Reader>
class ReaderPool;

class PostgresStore final : public Store {
 public:
  static constexpr std::size_t max_readers = 4;

  // Connects to options.postgres_url and brings the schema forward (one node at a
  // time when several start together). Refuses a schema newer than this binary.
  static Result<std::unique_ptr<PostgresStore>> open(const StoreOptions& options);
  ~PostgresStore() override;

  Status write(const std::vector<StoreRow>& rows) override;
  Result<std::optional<Groupcall>> groupcall(const Uuid& id) const override;
  Result<std::optional<Call>> call(const Uuid& id) const override;
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                            std::optional<Timestamp> before) const override;
  Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                  std::optional<Timestamp> before) const override;
  Result<std::optional<Conference>> conference(const Uuid& id) const override;
  Result<std::optional<Conferencecall>> conferencecall(const Uuid& id) const override;
  Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before) const override;
  Result<std::vector<Conferencecall>> conferencecalls(
      const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const override;
  Result<std::vector<MissedCall>> missed_calls(const Uuid& customer_id, const Uuid& extension_id,
                                               std::size_t limit,
                                               std::optional<Timestamp> before) const override;
  Result<StoredState> load() const override;
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
  std::unique_ptr<ReaderPool<PostgresReader>> readers_;
};

}  // namespace chorus
