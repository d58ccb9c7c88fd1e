// Extension groups, ring groups and missed calls in chorus.db: every field round
// trips, deleted groups stay out of the load but keep their ids taken, missed calls
// list newest first by extension, and a v3 file gains the tables (at v4) and migrates on.

#include <gtest/gtest.h>

#include "actors/store/sqlite_queries.hpp"
#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

RingGroupMember member(std::string value, RingGroupMemberType type, std::string text) {
  RingGroupMember m;
  m.value = std::move(value);
  m.type = type;
  m.text = std::move(text);
  m.text2 = "Zoë ☎ \"2\"";
  m.delay_time = 5;
  m.timeout = 25;
  return m;
}

// Every field set to something other than its default.
RingGroup full_ring_group(const Uuid& customer_id, std::int32_t id, Timestamp created) {
  RingGroup g;
  g.id = id;
  g.customer_id = customer_id;
  g.number = "6306";
  g.name = "Markting 東京 \"west\"";
  g.ring_strategy = RingStrategy::custom;
  g.ring_timeout = 45;
  RingGroupMember together;
  together.type = RingGroupMemberType::group;
  together.delay_time = 20;
  together.timeout = 30;
  together.sub_option = std::vector<RingGroupMember>{
      member("3071", RingGroupMemberType::extension, "Evelyn"),
      member(Uuid::generate().to_string(), RingGroupMemberType::ext_group, "Tech\nSupport")};
  g.member_list = {member("2001", RingGroupMemberType::extension, "Ærø"), together,
                   member("Sales", RingGroupMemberType::ext_group, "")};
  g.member_list[0].sub_option = std::vector<RingGroupMember>{};  // [] and null both kept
  g.fail_dest = FailoverDest::external_num;
  g.fail_dest_prefix = "9";
  g.fail_dest_value = "+15551234567";
  g.alert_info = "ring-group-markting";
  g.welcome_prompt = "SoftBreeze";
  g.moh = "Jazz ♪";
  g.join_prompt = "DID.wav";
  g.play_full_join_prompt = 1;
  g.client_unique_ringtone = "bell.wav";
  g.no_agent_online_dest = FailoverDest::play_greeting;
  g.no_agent_online_prefix = "2";
  g.no_agent_online_value = "closed.wav";
  g.enb_miss_call = 1;
  g.tm_create = created;
  g.tm_update = Timestamp::from_micros(created.micros() + 30);
  return g;
}

ExtensionGroup full_extension_group(const Uuid& customer_id, Timestamp created) {
  ExtensionGroup g;
  g.id = Uuid::generate();
  g.customer_id = customer_id;
  g.name = "Tech Support ☎";
  g.extensions = {"2001", Uuid::generate().to_string()};
  g.tm_create = created;
  g.tm_update = Timestamp::from_micros(created.micros() + 40);
  return g;
}

MissedCall missed_call(const Uuid& customer_id, const Uuid& extension_id, Timestamp created) {
  MissedCall m;
  m.id = Uuid::generate();
  m.customer_id = customer_id;
  m.extension_id = extension_id;
  m.ring_group_id = 8028;
  m.groupcall_id = Uuid::generate();
  m.master_call_id = Uuid::generate();
  m.source = full_address(AddressType::tel, "+821100000009");
  m.tm_create = created;
  return m;
}

class SqliteRingGroups : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(options_in(tmp_.path()));
    ASSERT_NE(store_, nullptr);
  }

  StoredState load() {
    Result<StoredState> state = store_->load();
    EXPECT_TRUE(state.ok()) << (state.ok() ? "" : state.error().message);
    return state.ok() ? std::move(*state) : StoredState();
  }

  std::vector<MissedCall> missed(const Uuid& customer, const Uuid& extension, std::size_t limit,
                                 std::optional<Timestamp> before = std::nullopt) {
    Result<std::vector<MissedCall>> listed =
        store_->missed_calls(customer, extension, limit, before);
    EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
    return listed.ok() ? std::move(*listed) : std::vector<MissedCall>();
  }

  TempDir tmp_;
  std::unique_ptr<SqliteStore> store_;
  const Uuid customer_ = Uuid::generate();
};

TEST_F(SqliteRingGroups, EveryFieldRoundTripsThroughALoad) {
  const RingGroup group = full_ring_group(customer_, 8028, at(0));
  const ExtensionGroup team = full_extension_group(customer_, at(10));
  ASSERT_TRUE(store_->write({row(group), row(team)}));

  const StoredState state = load();
  ASSERT_EQ(state.ring_groups.size(), 1u);
  EXPECT_EQ(state.ring_groups.front(), group);
  ASSERT_TRUE(state.ring_groups.front().member_list[1].sub_option.has_value());
  EXPECT_EQ(state.ring_groups.front().member_list[1].sub_option->size(), 2u);
  EXPECT_FALSE(state.ring_groups.front().member_list[2].sub_option.has_value());
  ASSERT_EQ(state.extension_groups.size(), 1u);
  EXPECT_EQ(state.extension_groups.front(), team);
  EXPECT_EQ(state.highest_ring_group_id, 8028);
}

TEST_F(SqliteRingGroups, AnUpdateReplacesTheRowKeyedByTheGroupsId) {
  RingGroup group = full_ring_group(customer_, 7, at(0));
  ASSERT_TRUE(store_->write({row(group)}));
  group.name = "renamed";
  group.member_list.pop_back();
  ASSERT_TRUE(store_->write({row(group)}));
  RawDb raw(store_->path());
  EXPECT_EQ(raw.one("SELECT count(*) FROM ring_groups"), "1");
  EXPECT_EQ(raw.one("SELECT id FROM ring_groups"), "7");
  const StoredState state = load();
  ASSERT_EQ(state.ring_groups.size(), 1u);
  EXPECT_EQ(state.ring_groups.front(), group);
}

TEST_F(SqliteRingGroups, DeletedGroupsStayOutOfTheLoadButKeepTheirIdsTaken) {
  const RingGroup kept = full_ring_group(customer_, 3, at(0));
  RingGroup deleted = full_ring_group(customer_, 9, at(1));
  deleted.number = "6307";
  deleted.tm_delete = at(2);
  ExtensionGroup gone = full_extension_group(customer_, at(3));
  gone.tm_delete = at(4);
  ASSERT_TRUE(store_->write({row(kept), row(deleted), row(gone)}));

  const StoredState state = load();
  ASSERT_EQ(state.ring_groups.size(), 1u);
  EXPECT_EQ(state.ring_groups.front().id, 3);
  EXPECT_TRUE(state.extension_groups.empty());
  EXPECT_EQ(state.highest_ring_group_id, 9);
}

TEST_F(SqliteRingGroups, AnEmptyStoreHasNoRingGroupIdTaken) {
  EXPECT_EQ(load().highest_ring_group_id, 0);
}

TEST_F(SqliteRingGroups, MissedCallsListNewestFirstPerExtensionWithLimitAndBefore) {
  const Uuid extension = Uuid::generate();
  std::vector<StoreRow> rows;
  std::vector<MissedCall> calls;
  for (int i = 0; i < 5; ++i) {
    calls.push_back(missed_call(customer_, extension, at(i * 100)));
    rows.push_back(row(calls.back()));
  }
  const MissedCall other_extension = missed_call(customer_, Uuid::generate(), at(250));
  const MissedCall other_customer = missed_call(Uuid::generate(), extension, at(260));
  rows.push_back(row(other_extension));
  rows.push_back(row(other_customer));
  // Written out of order: the list orders by tm_create, not by insertion.
  std::swap(rows[0], rows[3]);
  ASSERT_TRUE(store_->write(rows));

  const std::vector<MissedCall> all = missed(customer_, extension, 10);
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], calls[4 - i]) << i;

  const std::vector<MissedCall> first_two = missed(customer_, extension, 2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[0].id, calls[4].id);
  EXPECT_EQ(first_two[1].id, calls[3].id);

  const std::vector<MissedCall> page = missed(customer_, extension, 2, calls[3].tm_create);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, calls[2].id);
  EXPECT_EQ(page[1].id, calls[1].id);

  EXPECT_TRUE(missed(customer_, extension, 0).empty());
  EXPECT_TRUE(missed(customer_, extension, 10, calls[0].tm_create).empty());
  // Another customer's row under the same extension id stays out, and the other way.
  const std::vector<MissedCall> theirs = missed(other_customer.customer_id, extension, 10);
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs.front(), other_customer);
}

TEST_F(SqliteRingGroups, RetentionPurgesMissedCallsCreatedBeforeTheCutoff) {
  const Uuid extension = Uuid::generate();
  ASSERT_TRUE(store_->write({row(missed_call(customer_, extension, at(0))),
                             row(missed_call(customer_, extension, at(100))),
                             row(full_ring_group(customer_, 1, at(0)))}));
  Result<std::size_t> purged = store_->purge(at(50), 10);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 1u);
  EXPECT_EQ(missed(customer_, extension, 10).size(), 1u);
  EXPECT_EQ(load().ring_groups.size(), 1u);  // configuration is never purged
}

TEST_F(SqliteRingGroups, TheNewQueriesWalkTheirIndexes) {
  RawDb raw(store_->path());
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
  const MissedCall call = missed_call(customer, extension.id, at(40));
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
