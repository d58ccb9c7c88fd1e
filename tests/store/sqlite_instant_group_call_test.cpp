// Instant group calls in chorus.db: a v4 file gains the table at v5 with its rows
// intact. What every backend does with them is in
// store_instant_group_call_contract_test.cpp.

#include <gtest/gtest.h>

#include "actors/store/stored_bodies.hpp"
#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

// chorus.db as the fourth release left it, by hand: the file an upgrade finds.
void create_version_4(RawDb& raw) {
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
      "CREATE TABLE extension_groups(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_delete INTEGER, body TEXT NOT NULL);"
      "CREATE TABLE ring_groups(id INTEGER PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_delete INTEGER, body TEXT NOT NULL);"
      "CREATE TABLE missed_calls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " extension_id BLOB NOT NULL, tm_create INTEGER NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX missed_calls_by_extension ON missed_calls(extension_id, tm_create, id);"
      "CREATE INDEX missed_calls_retention ON missed_calls(tm_create);"
      "PRAGMA user_version = 4;");
}

// Binds ?1.. in order: blobs for ids, integers, texts.
void insert(RawDb& raw, const std::string& sql, const Uuid& id, const Uuid& customer,
            std::int64_t key, const std::string& body) {
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw.get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw.get());
  if (key != 0) {
    sqlite3_bind_int64(stmt, 1, key);
  } else {
    sqlite3_bind_blob(stmt, 1, id.bytes().data(), 16, SQLITE_STATIC);
  }
  sqlite3_bind_blob(stmt, 2, customer.bytes().data(), 16, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 3, body.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(raw.get());
  sqlite3_finalize(stmt);
}

TEST(SqliteInstantGroupCallSchema, AVersion4DatabaseMigratesWithItsRowsIntactAndGainsTheTable) {
  TempDir tmp;
  const Uuid customer = Uuid::generate();
  const Agent agent = full_agent(customer, at(0));
  RingGroup group;
  group.id = 8;
  group.customer_id = customer;
  group.number = "6300";
  group.name = "Sales";
  group.tm_create = at(10);
  {
    // Written by a v5 store into a v4 file would be wrong: write v4 rows with v4 SQL.
    RawDb raw(tmp.sub("chorus.db"));
    create_version_4(raw);
    insert(raw, "INSERT INTO agents VALUES(?1, ?2, NULL, ?3)", agent.id, customer, 0,
           to_json(agent));
    insert(raw, "INSERT INTO ring_groups VALUES(?1, ?2, NULL, ?3)", Uuid(), customer, group.id,
           stored_bodies::encode(group));
  }

  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), "5");
  EXPECT_EQ(raw.one("SELECT count(*) FROM instant_group_calls"), "0");
  Result<StoredState> state = store->load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->agents.size(), 1u);
  EXPECT_EQ(state->agents.front(), agent);
  ASSERT_EQ(state->ring_groups.size(), 1u);
  EXPECT_EQ(state->ring_groups.front(), group);
  EXPECT_EQ(state->highest_ring_group_id, 8);
  EXPECT_TRUE(state->instant_group_calls.empty());

  // The new table takes rows beside the old ones, in one batch.
  const InstantGroupCall service = full_instant_group_call(customer, "igc1@example.com", at(20));
  group.name = "Sales 2";
  ASSERT_TRUE(store->write({row(service), row(group)}));
  state = store->load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->instant_group_calls.size(), 1u);
  EXPECT_EQ(state->instant_group_calls.front(), service);
  EXPECT_EQ(state->ring_groups.front().name, "Sales 2");

  // Opening again finds nothing to do.
  store.reset();
  store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(raw.one("PRAGMA user_version"), "5");
  EXPECT_EQ(raw.one("SELECT count(*) FROM instant_group_calls"), "1");
}

}  // namespace
}  // namespace chorus::store_test
