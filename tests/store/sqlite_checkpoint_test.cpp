// The WAL is copied back into chorus.db beside the writer (SqliteCheckpointer),
// not inside a commit: with SQLite's automatic checkpoints off, this is what keeps
// the WAL from growing without bound.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

std::uintmax_t size_of(const std::string& file) {
  std::error_code error;
  auto size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

TEST(SqliteCheckpoint, AWalPastTheThresholdIsCopiedBackWhileWritesGoOn) {
  TempDir tmp;
  auto store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  const std::string db = store->path();
  const auto empty = size_of(db);
  const Uuid customer = Uuid::generate();
  // About 2 KB a groupcall: 40 batches of 100 put several thousand pages in the
  // WAL, far past the 1,000-page threshold.
  int created = 0;
  for (int batch = 0; batch < 40; ++batch) {
    std::vector<StoreRow> rows;
    for (int i = 0; i < 100; ++i) rows.push_back(row(full_groupcall(customer, at(created++))));
    ASSERT_TRUE(store->write(rows));
  }
  // The database file itself grows only by checkpoints.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (size_of(db) < empty + 1024 * 1024 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(size_of(db), empty + 1024 * 1024) << "nothing was checkpointed";
  // And every row reads back, whether from the WAL or the database.
  auto listed = store->groupcalls(customer, 100, std::nullopt);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->size(), 100u);
  auto one = store->groupcall(listed->back().id);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->has_value());
}

}  // namespace
}  // namespace chorus::store_test
