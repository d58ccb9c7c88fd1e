// Extension groups, ring groups and missed calls in chorus.db: their queries walk
// their indexes, and a v3 file gains the tables (at v4) and migrates on. What every
// backend does with them is in store_ring_group_contract_test.cpp.

#include <gtest/gtest.h>

#include "actors/store/sqlite_queries.hpp"
#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

TEST(SqliteRingGroups, TheNewQueriesWalkTheirIndexes) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(store->path());
  auto plan = [&](const char* sql) {
    std::string details;
    for (const std::string& line : raw.rows(std::string("EXPLAIN QUERY PLAN ") + sql)) {
      details += line.substr(line.rfind('|') + 1) + "\n";
    }
    return details;
  };
  const std::string listing = plan(sqlite_queries::list_missed_calls);
  EXPECT_NE(listing.find("USING INDEX missed_calls_by_extension (extension_id=? AND tm_create<?)"),
            std::string::npos)
      << listing;
  EXPECT_EQ(listing.find("TEMP B-TREE"), std::string::npos) << listing;
  const std::string purging = plan(sqlite_queries::purge_missed_calls);
  EXPECT_NE(purging.find("USING COVERING INDEX missed_calls_retention (tm_create<?)"),
            std::string::npos)
      << purging;
}

// chorus.db as the third release left it, by hand: the file an upgrade finds.
void create_version_3(RawDb& raw) {
  raw.exec(
      "CREATE TABLE groupcalls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL,"
      " tm_update INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX groupcalls_by_customer ON groupcalls(customer_id, tm_create, id);"
      "CREATE TABLE calls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL,"
      " tm_update INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX calls_by_customer ON calls(customer_id, tm_create, id);"
      "CREATE TABLE agents(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
      " body TEXT NOT NULL);"
      "CREATE TABLE extensions(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
      " body TEXT NOT NULL);"
      "CREATE INDEX groupcalls_retention ON groupcalls(live, tm_update);"
      "CREATE INDEX calls_retention ON calls(live, tm_update);"
      "CREATE TABLE conferences(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_update INTEGER NOT NULL, tm_delete INTEGER,"
      " live INTEGER NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX conferences_by_customer ON conferences(customer_id, tm_create, id);"
      "CREATE INDEX conferences_retention ON conferences(live, tm_update);"
      "CREATE TABLE conferencecalls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_update INTEGER NOT NULL, tm_delete INTEGER,"
      " live INTEGER NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX conferencecalls_by_customer ON conferencecalls(customer_id, tm_create, id);"
      "CREATE INDEX conferencecalls_retention ON conferencecalls(live, tm_update);"
      "PRAGMA user_version = 3;");
}

TEST(SqliteRingGroupSchema, AVersion3DatabaseMigratesWithItsRowsIntactAndGainsTheGroupTables) {
  TempDir tmp;
  const Uuid customer = Uuid::generate();
  const Agent agent = full_agent(customer, at(0));
  const Extension extension = full_extension(customer, at(10));
  const Conference conference = full_conference(customer, at(20));
  {
    // Written by a v4 store into a v3 file would be wrong: write v3 rows with v3 SQL.
    RawDb raw(tmp.sub("chorus.db"));
    create_version_3(raw);
    auto insert_directory = [&](const char* table, const Uuid& id, const std::string& body) {
      sqlite3_stmt* stmt = nullptr;
      const std::string sql = std::string("INSERT INTO ") + table + " VALUES(?1, ?2, NULL, ?3)";
      ASSERT_EQ(sqlite3_prepare_v2(raw.get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
      sqlite3_bind_blob(stmt, 1, id.bytes().data(), 16, SQLITE_STATIC);
      sqlite3_bind_blob(stmt, 2, customer.bytes().data(), 16, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 3, body.c_str(), -1, SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_finalize(stmt);
    };
    insert_directory("agents", agent.id, to_json(agent));
    insert_directory("extensions", extension.id, to_json(extension));
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw.get(),
                                 "INSERT INTO conferences(id, customer_id, tm_create, tm_update,"
                                 " tm_delete, live, body) VALUES(?1, ?2, ?3, ?4, NULL, 1, ?5)",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    const std::string body = to_json(conference);
    sqlite3_bind_blob(stmt, 1, conference.id.bytes().data(), 16, SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 2, customer.bytes().data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, conference.tm_create.micros());
    sqlite3_bind_int64(stmt, 4, conference.tm_update.micros());
    sqlite3_bind_text(stmt, 5, body.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }

  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
  for (const char* table : {"extension_groups", "ring_groups", "missed_calls"}) {
    EXPECT_EQ(raw.one(std::string("SELECT count(*) FROM ") + table), "0") << table;
  }
  Result<StoredState> state = store->load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->agents.size(), 1u);
  EXPECT_EQ(state->agents.front(), agent);
  ASSERT_EQ(state->extensions.size(), 1u);
  EXPECT_EQ(state->extensions.front(), extension);
  ASSERT_EQ(state->live_conferences.size(), 1u);
  EXPECT_EQ(state->live_conferences.front(), conference);
  EXPECT_TRUE(state->ring_groups.empty());
  EXPECT_EQ(state->highest_ring_group_id, 0);

  // The new tables take rows beside the old ones, in one batch.
  const RingGroup group = full_ring_group(customer, 1, at(30));
  const MissedCall call = full_missed_call(customer, extension.id, at(40));
  ASSERT_TRUE(store->write({row(group), row(full_extension_group(customer, at(35))), row(call)}));
  state = store->load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->ring_groups.size(), 1u);
  EXPECT_EQ(state->ring_groups.front(), group);
  EXPECT_EQ(state->extension_groups.size(), 1u);
  Result<std::vector<MissedCall>> missed = store->missed_calls(customer, extension.id, 10, {});
  ASSERT_TRUE(missed.ok()) << missed.error().message;
  ASSERT_EQ(missed->size(), 1u);
  EXPECT_EQ(missed->front(), call);

  // Opening again finds nothing to do.
  store.reset();
  store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
  EXPECT_EQ(raw.one("SELECT count(*) FROM ring_groups"), "1");
}

}  // namespace
}  // namespace chorus::store_test
