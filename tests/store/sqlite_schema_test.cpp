// chorus.db's schema versions: a newer file is refused, v1 and v2 files are brought
// to the current version with their rows intact, and the queries walk the indexes meant for them.

#include <gtest/gtest.h>

#include "actors/store/sqlite_queries.hpp"
#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

TEST(SqliteSchema, ADatabaseNewerThanThisBinaryIsRefused) {
  TempDir tmp;
  {
    RawDb raw(tmp.sub("chorus.db"));
    raw.exec("CREATE TABLE future(x); PRAGMA user_version = 7;");
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options_in(tmp.path()));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_NE(store.error().message.find("chorus.db has schema version 7, newer than this chorusd (" +
                                       std::to_string(SqliteStore::schema_version) +
                                       "); refusing to start"),
            std::string::npos)
      << store.error().message;
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), "7");  // untouched
}

// The first version this binary does not know: what a chorusd one release ahead
// leaves behind, a rollback's likeliest case.
TEST(SqliteSchema, ADatabaseOneVersionAheadIsRefusedUntouched) {
  TempDir tmp;
  const std::string ahead = std::to_string(SqliteStore::schema_version + 1);
  {
    RawDb raw(tmp.sub("chorus.db"));
    raw.exec("CREATE TABLE future(x); PRAGMA user_version = " + ahead + ";");
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options_in(tmp.path()));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_NE(store.error().message.find("chorus.db has schema version " + ahead + ", newer"),
            std::string::npos)
      << store.error().message;
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), ahead);
  EXPECT_TRUE(raw.rows("SELECT name FROM sqlite_master WHERE name = 'conferences'").empty());
}

// Quotes bytes as an SQL blob literal.
std::string blob(const Uuid& id) {
  static const char digits[] = "0123456789abcdef";
  std::string text = "x'";
  for (std::uint8_t byte : id.bytes()) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text + "'";
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'";
}

// The schema as the first release wrote it, by hand: this is the file an upgrade finds.
void create_version_1(RawDb& raw) {
  raw.exec(
      "CREATE TABLE groupcalls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX groupcalls_by_customer ON groupcalls(customer_id, tm_create, id);"
      "CREATE TABLE calls(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL,"
      " tm_create INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX calls_by_customer ON calls(customer_id, tm_create, id);"
      "CREATE TABLE agents(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
      " body TEXT NOT NULL);"
      "CREATE TABLE extensions(id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
      " body TEXT NOT NULL);"
      "PRAGMA user_version = 1;");
}

template <class T>
void insert_listed(RawDb& raw, const char* table, const T& resource, bool live) {
  raw.exec(std::string("INSERT INTO ") + table + " VALUES(" + blob(resource.id) + ", " +
           blob(resource.customer_id) + ", " + std::to_string(resource.tm_create.micros()) + ", " +
           (resource.tm_delete.is_set() ? std::to_string(resource.tm_delete.micros()) : "NULL") +
           ", " + (live ? "1" : "0") + ", " + quoted(to_json(resource)) + ")");
}

template <class T>
void insert_directory(RawDb& raw, const char* table, const T& entry) {
  raw.exec(std::string("INSERT INTO ") + table + " VALUES(" + blob(entry.id) + ", " +
           blob(entry.customer_id) + ", NULL, " + quoted(to_json(entry)) + ")");
}

TEST(SqliteSchema, AVersion1DatabaseMigratesWithItsRowsIntact) {
  TempDir tmp;
  const Uuid customer = Uuid::generate();
  Groupcall ended = full_groupcall(customer, at(0));
  ended.status = GroupcallStatus::hangup;
  ended.tm_update = at(50);
  const Groupcall live = full_groupcall(customer, at(100));
  Call ended_call = full_call(customer, at(200));
  ended_call.status = CallStatus::hangup;
  ended_call.tm_hangup = at(290);
  ended_call.tm_update = at(300);
  const Call live_call = full_call(customer, at(400));
  const Agent agent = full_agent(customer, at(500));
  const Extension extension = full_extension(customer, at(600));
  {
    RawDb raw(tmp.sub("chorus.db"));
    create_version_1(raw);
    insert_listed(raw, "groupcalls", ended, false);
    insert_listed(raw, "groupcalls", live, true);
    insert_listed(raw, "calls", ended_call, false);
    insert_listed(raw, "calls", live_call, true);
    insert_directory(raw, "agents", agent);
    insert_directory(raw, "extensions", extension);
  }

  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
  EXPECT_EQ(raw.one("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.one("SELECT tm_update FROM groupcalls WHERE live = 0"),
            std::to_string(ended.tm_update.micros()));
  EXPECT_EQ(raw.one("SELECT tm_update FROM calls WHERE live = 0"),
            std::to_string(ended_call.tm_update.micros()));

  for (const Groupcall& g : {ended, live}) {
    Result<std::optional<Groupcall>> read = store->groupcall(g.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(to_json(**read), to_json(g));
  }
  for (const Call& c : {ended_call, live_call}) {
    Result<std::optional<Call>> read = store->call(c.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(to_json(**read), to_json(c));
  }
  Result<StoredState> state = store->load();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->agents.size(), 1u);
  EXPECT_EQ(to_json(state->agents.front()), to_json(agent));
  ASSERT_EQ(state->extensions.size(), 1u);
  EXPECT_EQ(to_json(state->extensions.front()), to_json(extension));
  ASSERT_EQ(state->live_groupcalls.size(), 1u);
  EXPECT_EQ(state->live_groupcalls.front(), live);
  ASSERT_EQ(state->live_calls.size(), 1u);
  EXPECT_EQ(state->live_calls.front(), live_call);

  // The migrated tm_update drives retention: only the ended call goes before at(100).
  Result<std::size_t> purged = store->purge(at(100), 10);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  purged = store->purge(at(1000), 10);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);

  // Opening again finds nothing to do.
  store.reset();
  store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
}

// The schema as the second release left it: version 1, then its own step as it ran.
void create_version_2(RawDb& raw) {
  create_version_1(raw);
  raw.exec(
      "ALTER TABLE groupcalls ADD COLUMN tm_update INTEGER NOT NULL DEFAULT 0;"
      "ALTER TABLE calls ADD COLUMN tm_update INTEGER NOT NULL DEFAULT 0;"
      "CREATE INDEX groupcalls_retention ON groupcalls(live, tm_update);"
      "CREATE INDEX calls_retention ON calls(live, tm_update);"
      "PRAGMA user_version = 2;");
}

template <class T>
void insert_listed_v2(RawDb& raw, const char* table, const T& resource, bool live) {
  raw.exec(std::string("INSERT INTO ") + table +
           "(id, customer_id, tm_create, tm_update, tm_delete, live, body) VALUES(" +
           blob(resource.id) + ", " + blob(resource.customer_id) + ", " +
           std::to_string(resource.tm_create.micros()) + ", " +
           std::to_string(resource.tm_update.micros()) + ", " +
           (resource.tm_delete.is_set() ? std::to_string(resource.tm_delete.micros()) : "NULL") +
           ", " + (live ? "1" : "0") + ", " + quoted(to_json(resource)) + ")");
}

TEST(SqliteSchema, AVersion2DatabaseMigratesWithItsRowsIntactAndGainsConferences) {
  TempDir tmp;
  const Uuid customer = Uuid::generate();
  Groupcall ended = full_groupcall(customer, at(0));
  ended.status = GroupcallStatus::hangup;
  ended.tm_update = at(50);
  const Groupcall live = full_groupcall(customer, at(100));
  Call ended_call = full_call(customer, at(200));
  ended_call.status = CallStatus::hangup;
  ended_call.tm_hangup = at(290);
  ended_call.tm_update = at(300);
  Call deleted_call = full_call(customer, at(350));
  deleted_call.status = CallStatus::hangup;
  deleted_call.tm_update = at(360);
  deleted_call.tm_delete = at(360);
  const Call live_call = full_call(customer, at(400));
  const Agent agent = full_agent(customer, at(500));
  const Extension extension = full_extension(customer, at(600));
  {
    RawDb raw(tmp.sub("chorus.db"));
    create_version_2(raw);
    insert_listed_v2(raw, "groupcalls", ended, false);
    insert_listed_v2(raw, "groupcalls", live, true);
    insert_listed_v2(raw, "calls", ended_call, false);
    insert_listed_v2(raw, "calls", deleted_call, false);
    insert_listed_v2(raw, "calls", live_call, true);
    insert_directory(raw, "agents", agent);
    insert_directory(raw, "extensions", extension);
  }

  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(tmp.sub("chorus.db"));
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
  EXPECT_EQ(raw.one("SELECT count(*) FROM groupcalls"), "2");
  EXPECT_EQ(raw.one("SELECT count(*) FROM calls"), "3");
  EXPECT_EQ(raw.one("SELECT count(*) FROM conferences"), "0");
  EXPECT_EQ(raw.one("SELECT count(*) FROM conferencecalls"), "0");

  for (const Groupcall& g : {ended, live}) {
    Result<std::optional<Groupcall>> read = store->groupcall(g.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(to_json(**read), to_json(g));
  }
  for (const Call& c : {ended_call, deleted_call, live_call}) {
    Result<std::optional<Call>> read = store->call(c.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(to_json(**read), to_json(c));
  }
  Result<std::vector<Call>> calls = store->calls(customer, 10, std::nullopt);
  ASSERT_TRUE(calls.ok());
  ASSERT_EQ(calls->size(), 2u);  // the deleted one stays out
  EXPECT_EQ((*calls)[0].id, live_call.id);
  EXPECT_EQ((*calls)[1].id, ended_call.id);
  Result<StoredState> state = store->load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  ASSERT_EQ(state->agents.size(), 1u);
  EXPECT_EQ(state->agents.front(), agent);
  ASSERT_EQ(state->extensions.size(), 1u);
  EXPECT_EQ(state->extensions.front(), extension);
  ASSERT_EQ(state->live_groupcalls.size(), 1u);
  EXPECT_EQ(state->live_groupcalls.front(), live);
  ASSERT_EQ(state->live_calls.size(), 1u);
  EXPECT_EQ(state->live_calls.front(), live_call);
  EXPECT_TRUE(state->live_conferences.empty());
  EXPECT_TRUE(state->live_conferencecalls.empty());

  // The new tables take rows beside the old ones, in one batch.
  const Conference conference = full_conference(customer, at(700));
  const Conferencecall participant = full_conferencecall(customer, at(800), conference.id);
  ASSERT_TRUE(store->write({row(conference), row(participant), row(full_call(customer, at(900)))}));
  Result<std::optional<Conference>> read_conference = store->conference(conference.id);
  ASSERT_TRUE(read_conference.ok() && read_conference->has_value());
  EXPECT_EQ(**read_conference, conference);
  Result<std::optional<Conferencecall>> read_participant = store->conferencecall(participant.id);
  ASSERT_TRUE(read_participant.ok() && read_participant->has_value());
  EXPECT_EQ(**read_participant, participant);

  // Retention still walks the v2 tm_update: the ended groupcall and the two ended calls.
  Result<std::size_t> purged = store->purge(at(1000), 10);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 3u);

  store.reset();
  store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(SqliteStore::schema_version));
  EXPECT_EQ(raw.one("SELECT count(*) FROM conferences"), "1");
}

// The query plan's details, one per line.
std::vector<std::string> plan(RawDb& raw, const char* sql) {
  std::vector<std::string> details;
  for (const std::string& line : raw.rows(std::string("EXPLAIN QUERY PLAN ") + sql)) {
    details.push_back(line.substr(line.rfind('|') + 1));
  }
  return details;
}

bool mentions(const std::vector<std::string>& details, const std::string& text) {
  for (const std::string& detail : details) {
    if (detail.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(SqliteSchema, QueriesWalkTheirIndexesWithoutSorting) {
  TempDir tmp;
  std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path()));
  ASSERT_NE(store, nullptr);
  RawDb raw(store->path());
  const struct {
    const char* sql;
    const char* index;
  } expectations[] = {
      {sqlite_queries::list_groupcalls,
       "USING INDEX groupcalls_by_customer (customer_id=? AND "
       "tm_create<?)"},
      {sqlite_queries::list_calls, "USING INDEX calls_by_customer (customer_id=? AND tm_create<?)"},
      {sqlite_queries::purge_calls,
       "USING COVERING INDEX calls_retention (live=? AND tm_update<?)"},
      {sqlite_queries::purge_groupcalls,
       "USING COVERING INDEX groupcalls_retention (live=? AND tm_update<?)"},
      {sqlite_queries::load_groupcalls, "USING INDEX groupcalls_retention (live=?)"},
      {sqlite_queries::load_calls, "USING INDEX calls_retention (live=?)"},
      {sqlite_queries::groupcall_by_id, "USING INDEX sqlite_autoindex_groupcalls_1 (id=?)"},
      {sqlite_queries::list_conferences,
       "USING INDEX conferences_by_customer (customer_id=? AND tm_create<?)"},
      {sqlite_queries::list_conferencecalls,
       "USING INDEX conferencecalls_by_customer (customer_id=? AND tm_create<?)"},
      {sqlite_queries::purge_conferences,
       "USING COVERING INDEX conferences_retention (live=? AND tm_update<?)"},
      {sqlite_queries::purge_conferencecalls,
       "USING COVERING INDEX conferencecalls_retention (live=? AND tm_update<?)"},
      {sqlite_queries::load_conferences, "USING INDEX conferences_retention (live=?)"},
      {sqlite_queries::load_conferencecalls, "USING INDEX conferencecalls_retention (live=?)"},
      {sqlite_queries::conference_by_id, "USING INDEX sqlite_autoindex_conferences_1 (id=?)"},
      {sqlite_queries::conferencecall_by_id,
       "USING INDEX sqlite_autoindex_conferencecalls_1 (id=?)"},
  };
  for (const auto& expected : expectations) {
    const std::vector<std::string> details = plan(raw, expected.sql);
    EXPECT_TRUE(mentions(details, expected.index)) << expected.sql;
    EXPECT_FALSE(mentions(details, "TEMP B-TREE")) << expected.sql;
    EXPECT_FALSE(mentions(details, "SCAN")) << expected.sql;
  }
}

}  // namespace
}  // namespace chorus::store_test
