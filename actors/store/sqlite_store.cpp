#include "actors/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "actors/store/pooled_reads_impl.hpp"
#include "actors/store/sqlite_checkpointer.hpp"
#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_reader.hpp"
#include "actors/store/sqlite_schema.hpp"
#include "actors/store/sqlite_writer.hpp"

namespace chorus {

template class PooledReads<SqliteReader>;

namespace {

Status create_data_dir(const std::string& data_dir) {
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return Error::unavailable("store: cannot open (creating the data directory " + data_dir + ": " +
                              error.message() + ")");
  }
  return {};
}

}  // namespace

SqliteStore::SqliteStore(std::string path, SyncMode sync, std::unique_ptr<SqliteWriter> writer)
    : PooledReads(path, max_readers),
      path_(std::move(path)),
      sync_(sync),
      checkpointer_(std::make_unique<SqliteCheckpointer>(path_)),
      writer_(std::move(writer)) {
  checkpointer_->watch(writer_->handle());
}

// The readers close first, so that the writer is the last connection: it
// checkpoints and removes the WAL as it closes.
SqliteStore::~SqliteStore() {
  close_readers();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const StoreOptions& options) {
  Status created = create_data_dir(options.data_dir);
  if (!created) return created.error();
  std::string path = database_path(options.data_dir);
  Result<Connection> db = open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return db.error();
  // WAL before the schema: the journal mode cannot change inside a transaction.
  Status ready = configure_writer(db->get(), options.sync);
  if (ready) ready = migrate(db->get());
  if (!ready) return ready.error();
  Result<std::unique_ptr<SqliteWriter>> writer = SqliteWriter::create(std::move(*db));
  if (!writer) return writer.error();
  return Result<std::unique_ptr<SqliteStore>>(std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(path), options.sync, std::move(*writer))));
}

Result<SqliteWriter*> SqliteStore::writer() {
  if (!writer_) {
    Result<std::unique_ptr<SqliteWriter>> reopened = SqliteWriter::open(path_, sync_);
    if (!reopened) return reopened.error();
    writer_ = std::move(*reopened);
    checkpointer_->watch(writer_->handle());
  }
  return writer_.get();
}

// A failure may leave the connection unusable (an I/O error on the WAL, a file
// replaced underneath), so the writer that failed is closed and the next call opens
// a fresh one: the fault clearing is all a retry needs.
template <class Answer, class Use>
Answer SqliteStore::with_writer(Use&& use) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  Result<SqliteWriter*> current = writer();
  if (!current) return current.error();
  Answer answer = use(**current);
  if (!answer.ok()) writer_.reset();
  return answer;
}

Status SqliteStore::write(const std::vector<StoreRow>& rows) {
  return with_writer<Status>([&](SqliteWriter& w) { return w.write(rows); });
}

Result<std::size_t> SqliteStore::purge(Timestamp cutoff, std::size_t limit) {
  return with_writer<Result<std::size_t>>([&](SqliteWriter& w) { return w.purge(cutoff, limit); });
}

Status SqliteStore::probe() {
  return with_writer<Status>([&](SqliteWriter& w) { return w.probe(); });
}

}  // namespace chorus
