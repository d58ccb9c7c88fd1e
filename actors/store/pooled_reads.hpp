#pragma once
// The read half of a store whose lookups each run on a connection lent by a
// ReaderPool: every read of the Store port, forwarded to the backend's Reader.
// SqliteStore and PostgresStore derive from it and write their own way.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/store.hpp"

namespace chorus {

template <class Reader>
class ReaderPool;

// Declared here, defined in pooled_reads_impl.hpp and instantiated by each
// backend's .cpp: this header needs no backend's library headers (sqlite3.h,
// libpq-fe.h), so neither does a store's public header.
template <class Reader>
class PooledReads : public Store {
 public:
  ~PooledReads() override;

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

 protected:
  // `target` is what Reader::open takes (a file's path; a URL and node): a
  // template, so that this header needs no Reader's definition.
  template <class Target>
  PooledReads(Target target, std::size_t max_readers);
  // Closes every read connection now: for a backend whose own connections must
  // close after them (SQLite's writer, the last, checkpoints and removes the WAL).
  void close_readers();

 private:
  std::unique_ptr<ReaderPool<Reader>> readers_;
};

}  // namespace chorus
