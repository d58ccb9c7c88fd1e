#pragma once
// Copies the WAL back into chorus.db on a thread of its own. SQLite would do it
// inside the commit that crosses the threshold, on the store writer's thread,
// stalling every change queued behind that commit (a profile of the stored
// lifecycle benchmark found 6% of the writer's time there); here a passive
// checkpoint runs beside the writer, which keeps committing meanwhile.

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "actors/store/sqlite_statement.hpp"

namespace chorus {

class SqliteCheckpointer {
 public:
  // Checkpoints once the WAL holds this many pages (SQLite's own default).
  static constexpr int threshold_pages = 1000;

  explicit SqliteCheckpointer(std::string path);
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Takes over `writer`'s checkpoints: its automatic ones stop, and a commit that
  // leaves the WAL past the threshold wakes this thread. Call for every writer
  // connection opened; the checkpointer must outlive them.
  void watch(sqlite3* writer);

 private:
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void run();
  void checkpoint();

  const std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  Connection db_;  // this thread's own, opened when first needed
  std::thread thread_;
};

}  // namespace chorus
