#pragma once
// Read-only connections to chorus.db: one SqliteReader is a connection with its
// prepared lookups, used by one thread at a time; SqliteReaderPool lends them to
// any number of threads. WAL lets every reader see the last commit while the
// writer commits the next.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/reader_pool.hpp"
#include "actors/store/sqlite_statement.hpp"

namespace chorus {

class SqliteReader {
 public:
  using Target = std::string;  // the database file's path
  static Result<std::unique_ptr<SqliteReader>> open(const std::string& path);
  // A file's connection does not go stale between uses.
  bool usable() const { return true; }

  Result<std::optional<Groupcall>> groupcall(const Uuid& id);
  Result<std::optional<Call>> call(const Uuid& id);
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                            std::optional<Timestamp> before);
  Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                  std::optional<Timestamp> before);
  Result<std::optional<Conference>> conference(const Uuid& id);
  Result<std::optional<Conferencecall>> conferencecall(const Uuid& id);
  Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before);
  Result<std::vector<Conferencecall>> conferencecalls(const Uuid& customer_id, std::size_t limit,
                                                      std::optional<Timestamp> before);
  Result<std::vector<MissedCall>> missed_calls(const Uuid& customer_id, const Uuid& extension_id,
                                               std::size_t limit, std::optional<Timestamp> before);
  // One read transaction, so every set comes from the same commit.
  Result<StoredState> load();

 private:
  explicit SqliteReader(Connection db) : db_(std::move(db)) {}
  Status prepare_all();
  Status load_highest_ring_group_id(std::int32_t& out);

  Connection db_;
  Statement begin_;
  Statement commit_;
  Statement groupcall_by_id_;
  Statement call_by_id_;
  Statement list_groupcalls_;
  Statement list_calls_;
  Statement conference_by_id_;
  Statement conferencecall_by_id_;
  Statement list_conferences_;
  Statement list_conferencecalls_;
  Statement load_agents_;
  Statement load_extensions_;
  Statement list_missed_calls_;
  Statement load_extension_groups_;
  Statement load_ring_groups_;
  Statement load_instant_group_calls_;
  Statement highest_ring_group_id_;
  Statement load_groupcalls_;
  Statement load_calls_;
  Statement load_conferences_;
  Statement load_conferencecalls_;
};

using SqliteReaderPool = ReaderPool<SqliteReader>;

}  // namespace chorus
