// Opening the SQLite store: the data directory made, chorus.db in WAL mode at the
// current schema, and a path that cannot hold a database refused by its cause.
// What every backend does through the port is in store_contract_test.cpp.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

TEST(SqliteStore, OpenCreatesTheDataDirectoryAndUsesWal) {
  TempDir tmp;
  const std::string data_dir = tmp.sub("nested/data");
  std::unique_ptr<SqliteStore> store = open_store(options_in(data_dir));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::is_regular_file(data_dir + "/chorus.db"));
  RawDb raw(data_dir + "/chorus.db");
  EXPECT_EQ(raw.one("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
}

TEST(SqliteStore, OpenNamesTheCauseWhenTheDataDirectoryIsAFile) {
  TempDir tmp;
  const std::string not_a_dir = tmp.sub("file");
  std::ofstream(not_a_dir) << "x";
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options_in(not_a_dir));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_NE(store.error().message.find("store: cannot open"), std::string::npos)
      << store.error().message;
}

TEST(SqliteStore, OpenRefusesAFileThatIsNotADatabase) {
  TempDir tmp;
  std::ofstream(tmp.sub("chorus.db")) << std::string(8192, 'x');
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options_in(tmp.path()));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_EQ(store.error().message.rfind("store: file is not a database", 0), 0u)
      << store.error().message;
}

}  // namespace
}  // namespace chorus::store_test
