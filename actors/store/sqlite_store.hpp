#pragma once
// The store on SQLite: one file, <data_dir>/chorus.db, in WAL mode. One write
// connection (write() and purge(), under a mutex) and a small pool of read-only
// connections for the lookups, which WAL lets run while the writer commits.
// Resources are kept as their JSON body (model/json.hpp) beside the few columns
// the queries need; sqlite_schema.hpp describes the tables and their versions.

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

class SqliteCheckpointer;
class SqliteReader;
class SqliteWriter;

class SqliteStore final : public PooledReads<SqliteReader> {
 public:
  static constexpr int schema_version = 5;
  static constexpr std::size_t max_readers = 4;

  // Creates options.data_dir if missing, opens <data_dir>/chorus.db in WAL mode with
  // synchronous FULL or NORMAL per options.sync and brings its schema forward.
  // Refuses a database whose schema is newer than this binary knows.
  static Result<std::unique_ptr<SqliteStore>> open(const StoreOptions& options);
  ~SqliteStore() override;

  Status write(const std::vector<StoreRow>& rows) override;
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) override;
  Status probe() override;

  // The file the store keeps (<data_dir>/chorus.db).
  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, SyncMode sync, std::unique_ptr<SqliteWriter> writer);
  // The writer, reopened if the last write or purge failed and dropped it.
  Result<SqliteWriter*> writer();
  template <class Answer, class Use>
  Answer with_writer(Use&& use);

  const std::string path_;
  const SyncMode sync_;
  std::mutex write_mutex_;
  // Before the writer: it must outlive every writer connection it watches.
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
  std::unique_ptr<SqliteWriter> writer_;  // null after a failure, until the next call
};

// Copies the database in data_dir into `file` with SQLite's online backup, as one
// consistent snapshot, while another process (chorusd) keeps writing to it: in WAL
// mode the copy's read transaction does not block the writer. Used by
// `chorusd --backup FILE`. Refuses to copy the database onto itself.
Status backup_database(const std::string& data_dir, const std::string& file);

}  // namespace chorus
