// backup_database: an online copy of chorus.db taken while the store writes.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

TEST(SqliteBackup, ACopyTakenWhileWritingOpensAsAStoreWithTheSameRows) {
  TempDir tmp;
  const std::string live_dir = tmp.sub("live");
  const std::string restored_dir = tmp.sub("restored");
  std::unique_ptr<SqliteStore> store = open_store(options_in(live_dir));
  ASSERT_NE(store, nullptr);
  const Uuid customer = Uuid::generate();
  std::vector<Groupcall> before;
  std::vector<StoreRow> rows;
  for (int i = 0; i < 500; ++i) {
    before.push_back(full_groupcall(customer, at(i)));
    rows.push_back(row(before.back()));
  }
  const Agent agent = full_agent(customer, at(0));
  rows.push_back(row(agent));
  ASSERT_TRUE(store->write(rows));

  // The writer keeps committing while the backup runs.
  std::atomic<bool> stop{false};
  std::atomic<int> extra_batches{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load() || i < 3; ++i) {
      std::vector<StoreRow> more;
      for (int j = 0; j < 50; ++j) more.push_back(row(full_groupcall(customer, at(10'000 + i))));
      if (!store->write(more)) return;
      ++extra_batches;
    }
  });
  while (extra_batches.load() == 0) std::this_thread::yield();
  ASSERT_TRUE(std::filesystem::create_directories(restored_dir));
  Status backed_up = backup_database(live_dir, restored_dir + "/chorus.db");
  stop = true;
  writer.join();
  ASSERT_TRUE(backed_up) << backed_up.error().message;

  std::unique_ptr<SqliteStore> restored = open_store(options_in(restored_dir));
  ASSERT_NE(restored, nullptr);
  RawDb raw(restored_dir + "/chorus.db");
  EXPECT_EQ(raw.one("PRAGMA integrity_check"), "ok");
  // Whole batches only: the copy is one commit's snapshot.
  const int copied = std::stoi(raw.one("SELECT count(*) FROM groupcalls"));
  EXPECT_GE(copied, 550);
  EXPECT_EQ((copied - 500) % 50, 0) << copied;
  for (const Groupcall& g : before) {
    Result<std::optional<Groupcall>> read = restored->groupcall(g.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(to_json(**read), to_json(g));
  }
  Result<StoredState> state = restored->load();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->agents.size(), 1u);
  EXPECT_EQ(to_json(state->agents.front()), to_json(agent));
}

TEST(SqliteBackup, RefusesToCopyTheDatabaseOntoItself) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->write({row(full_agent(Uuid::generate(), at(0)))}));
  Status backed_up = backup_database(tmp.path(), tmp.sub("chorus.db"));
  ASSERT_FALSE(backed_up);
  EXPECT_EQ(backed_up.error().code, ErrorCode::invalid_argument);
  Result<StoredState> state = store->load();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->agents.size(), 1u);
}

TEST(SqliteBackup, AMissingDatabaseIsAnErrorNotAnEmptyCopy) {
  TempDir tmp;
  Status backed_up = backup_database(tmp.sub("nothing-here"), tmp.sub("backup.db"));
  ASSERT_FALSE(backed_up);
  EXPECT_EQ(backed_up.error().code, ErrorCode::unavailable);
  EXPECT_NE(backed_up.error().message.find("store: cannot open"), std::string::npos)
      << backed_up.error().message;
  EXPECT_FALSE(std::filesystem::exists(tmp.sub("backup.db")));
}

TEST(SqliteBackup, ATargetThatIsNotADatabaseIsAnError) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.sub("live")));
  ASSERT_NE(store, nullptr);
  std::ofstream(tmp.sub("notes.txt")) << std::string(8192, 'x');
  Status backed_up = backup_database(tmp.sub("live"), tmp.sub("notes.txt"));
  ASSERT_FALSE(backed_up);
  EXPECT_EQ(backed_up.error().code, ErrorCode::unavailable);
  std::ifstream notes(tmp.sub("notes.txt"));
  const std::string kept((std::istreambuf_iterator<char>(notes)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, std::string(8192, 'x'));  // left as it was
}

}  // namespace
}  // namespace chorus::store_test
