#include "actors/store/sqlite_checkpointer.hpp"

#include <utility>

#include "actors/store/sqlite_connection.hpp"

namespace chorus {

SqliteCheckpointer::SqliteCheckpointer(std::string path)
    : path_(std::move(path)), thread_([this] { run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SqliteCheckpointer::watch(sqlite3* writer) {
  // Replaces the hook through which SQLite runs its automatic checkpoints.
  sqlite3_wal_hook(writer, &SqliteCheckpointer::on_commit, this);
}

int SqliteCheckpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  if (pages < threshold_pages) return SQLITE_OK;
  auto* checkpointer = static_cast<SqliteCheckpointer*>(self);
  {
    std::lock_guard<std::mutex> guard(checkpointer->mutex_);
    checkpointer->due_ = true;
  }
  checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void SqliteCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

// Passive: copies what no reader still needs and never blocks the writer. A
// failure (the disk full, say) leaves the WAL as it is; the next commit past the
// threshold tries again on a fresh connection.
void SqliteCheckpointer::checkpoint() {
  if (!db_) {
    Result<Connection> opened = open_connection(path_, SQLITE_OPEN_READWRITE);
    // A connection reads the database header lazily; until it has, it does not
    // know the file is in WAL mode and a checkpoint is a no-op.
    if (!opened || !execute(opened->get(), "PRAGMA journal_mode", "reading the journal mode")) {
      return;
    }
    db_ = std::move(*opened);
  }
  int rc =
      sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) db_.reset();
}

}  // namespace chorus
