// Storage faults: a write that cannot reach the disk answers an error naming the
// cause, keeps nothing of its batch, and the next write after the fault clears
// succeeds on the same store, without a restart.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

// A real full disk without privileges: the process's file-size limit (RLIMIT_FSIZE).
// Lowered just past the store's files, it stops the WAL from growing; the kernel
// answers the write EFBIG (SIGXFSZ is ignored meanwhile, or it would kill the test),
// which SQLite reports as SQLITE_IOERR_WRITE with that errno and the store names
// "disk full", as it does ENOSPC. The limit binds root as well (no capability lifts
// it), and any user may lower its own soft limit and raise it again up to the hard
// limit, so the test runs the same as root and as an ordinary user. The limit
// counts from offset 0 of every file written, not just the growing one. Each test runs
// in its own process under ctest, so nothing else is writing files meanwhile.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ok_ = getrlimit(RLIMIT_FSIZE, &saved_) == 0 &&
          (saved_.rlim_max == RLIM_INFINITY || bytes <= saved_.rlim_max);
    if (!ok_) return;
    previous_ = signal(SIGXFSZ, SIG_IGN);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &lowered) == 0;
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  ~FileSizeLimit() { lift(); }

  bool ok() const { return ok_; }
  void lift() {
    if (lifted_) return;
    lifted_ = true;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &saved_), 0);
    signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  void (*previous_)(int) = SIG_DFL;
  bool ok_ = false;
  bool lifted_ = false;
};

std::uintmax_t largest_file_in(const std::string& dir) {
  std::uintmax_t largest = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    largest = std::max(largest, entry.file_size());
  }
  return largest;
}

std::vector<StoreRow> batch_of(const Uuid& customer, int count, std::vector<Uuid>& ids) {
  std::vector<StoreRow> rows;
  for (int i = 0; i < count; ++i) {
    const Groupcall g = full_groupcall(customer, at(i));
    ids.push_back(g.id);
    rows.push_back(row(g));
  }
  return rows;
}

TEST(SqliteFaults, ADiskFullWriteFailsWithItsCauseAndTheNextWriteSucceeds) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path(), SyncMode::full));
  ASSERT_NE(store, nullptr);
  const Uuid customer = Uuid::generate();
  std::vector<Uuid> kept;
  ASSERT_TRUE(store->write(batch_of(customer, 5, kept)));

  // ~2,000 groupcalls are a few megabytes of WAL: far past the limit.
  std::vector<Uuid> lost;
  const std::vector<StoreRow> big = batch_of(customer, 2000, lost);
  Status failed;
  {
    FileSizeLimit limit(largest_file_in(tmp.path()) + 64 * 1024);
    ASSERT_TRUE(limit.ok()) << "cannot lower RLIMIT_FSIZE";
    failed = store->write(big);
    limit.lift();
  }
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_EQ(failed.error().message.rfind("store: disk full", 0), 0u) << failed.error().message;

  // Nothing of the failed batch is kept; what was there before is intact.
  Result<std::vector<Groupcall>> listed = store->groupcalls(customer, 10'000, std::nullopt);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->size(), kept.size());

  // The fault is gone: the same batch goes through on the same store.
  Status retried = store->write(big);
  ASSERT_TRUE(retried) << retried.error().message;
  listed = store->groupcalls(customer, 10'000, std::nullopt);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), kept.size() + lost.size());
  for (const Uuid& id : {lost.front(), lost.back(), kept.front()}) {
    Result<std::optional<Groupcall>> read = store->groupcall(id);
    ASSERT_TRUE(read.ok() && read->has_value());
  }
  RawDb raw(store->path());
  EXPECT_EQ(raw.one("PRAGMA integrity_check"), "ok");
}

TEST(SqliteFaults, APurgeDuringAFullDiskFailsAndTheNextOneSucceeds) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path(), SyncMode::full));
  ASSERT_NE(store, nullptr);
  const Uuid customer = Uuid::generate();
  std::vector<StoreRow> rows;
  for (int i = 0; i < 2000; ++i) {
    Groupcall g = full_groupcall(customer, at(i));
    g.status = GroupcallStatus::hangup;
    rows.push_back(row(g));
  }
  ASSERT_TRUE(store->write(rows));
  RawDb raw(store->path());
  // An empty WAL: the purge must grow it. A limit below chorus.db's size is safe as
  // long as nothing writes into chorus.db, which in WAL mode only a checkpoint does.
  // The store's own checkpointer may be copying the batch back at this moment
  // (holding the checkpoint lock): truncate once it is done.
  const auto wal = store->path() + "-wal";
  for (int tries = 0; tries < 1000 && std::filesystem::file_size(wal) != 0; ++tries) {
    raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    if (std::filesystem::file_size(wal) != 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ASSERT_EQ(std::filesystem::file_size(wal), 0u);

  Result<std::size_t> failed = std::size_t{0};
  {
    FileSizeLimit limit(16 * 1024);
    ASSERT_TRUE(limit.ok());
    failed = store->purge(at(1'000'000'000), 2000);
    limit.lift();
  }
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message.rfind("store: disk full", 0), 0u) << failed.error().message;
  EXPECT_EQ(raw.one("SELECT count(*) FROM groupcalls"), "2000");

  Result<std::size_t> purged = store->purge(at(1'000'000'000), 2000);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 2000u);
}

}  // namespace
}  // namespace chorus::store_test
