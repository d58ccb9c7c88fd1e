#include "actors/store/sqlite_schema.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "actors/store/sqlite_connection.hpp"
#include "actors/store/sqlite_error.hpp"
#include "actors/store/sqlite_statement.hpp"
#include "actors/store/sqlite_store.hpp"

namespace chorus {

namespace {

Status create_tables(sqlite3* db) {
  return execute(db,
                 "CREATE TABLE groupcalls("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_create INTEGER NOT NULL,"
                 "  tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL);"
                 "CREATE INDEX groupcalls_by_customer ON groupcalls(customer_id, tm_create, id);"
                 "CREATE TABLE calls("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_create INTEGER NOT NULL,"
                 "  tm_delete INTEGER, live INTEGER NOT NULL, body TEXT NOT NULL);"
                 "CREATE INDEX calls_by_customer ON calls(customer_id, tm_create, id);"
                 "CREATE TABLE agents("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
                 "  body TEXT NOT NULL);"
                 "CREATE TABLE extensions("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
                 "  body TEXT NOT NULL);",
                 "creating the tables");
}

// Fills tm_update of every row of `table` from its body. The body's timestamps are
// VoIPbin text ("2020-04-18 03:22:17.995000"), converted by Timestamp's own parser
// rather than in SQL; a body without a readable one keeps 0, which only makes an
// ended row purgeable sooner.
Status fill_tm_update(sqlite3* db, const std::string& table) {
  Result<Statement> select = Statement::prepare(
      db, "SELECT id, CASE WHEN json_valid(body) THEN json_extract(body, '$.tm_update') END FROM " +
              table);
  if (!select) return select.error();
  std::vector<std::pair<std::string, std::int64_t>> updates;
  int rc = SQLITE_ROW;
  while ((rc = select->step()) == SQLITE_ROW) {
    const std::optional<Timestamp> tm_update = Timestamp::parse(select->column_text(1));
    if (!tm_update) continue;
    updates.emplace_back(std::string(select->column_blob(0)), tm_update->micros());
  }
  if (rc != SQLITE_DONE) return sqlite_error(rc, db, "reading " + table + " to migrate");

  Result<Statement> update =
      Statement::prepare(db, "UPDATE " + table + " SET tm_update = ?1 WHERE id = ?2");
  if (!update) return update.error();
  for (const auto& [id, micros] : updates) {
    StatementScope scope(*update);
    scope->bind(1, micros);
    scope->bind_blob(2, id);
    rc = scope->step();
    if (rc != SQLITE_DONE) return sqlite_error(rc, db, "migrating " + table);
  }
  return {};
}

Status add_tm_update(sqlite3* db) {
  Status added = execute(db,
                         "ALTER TABLE groupcalls ADD COLUMN tm_update INTEGER NOT NULL DEFAULT 0;"
                         "ALTER TABLE calls ADD COLUMN tm_update INTEGER NOT NULL DEFAULT 0;",
                         "adding tm_update");
  if (!added) return added;
  for (const char* table : {"groupcalls", "calls"}) {
    Status filled = fill_tm_update(db, table);
    if (!filled) return filled;
  }
  return execute(db,
                 "CREATE INDEX groupcalls_retention ON groupcalls(live, tm_update);"
                 "CREATE INDEX calls_retention ON calls(live, tm_update);",
                 "creating the retention indexes");
}

// Created whole, as calls stand at v2: nothing older holds conferences to fill them from.
Status add_conferences(sqlite3* db) {
  return execute(db,
                 "CREATE TABLE conferences("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_create INTEGER NOT NULL,"
                 "  tm_update INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL,"
                 "  body TEXT NOT NULL);"
                 "CREATE INDEX conferences_by_customer ON conferences(customer_id, tm_create, id);"
                 "CREATE INDEX conferences_retention ON conferences(live, tm_update);"
                 "CREATE TABLE conferencecalls("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_create INTEGER NOT NULL,"
                 "  tm_update INTEGER NOT NULL, tm_delete INTEGER, live INTEGER NOT NULL,"
                 "  body TEXT NOT NULL);"
                 "CREATE INDEX conferencecalls_by_customer"
                 "  ON conferencecalls(customer_id, tm_create, id);"
                 "CREATE INDEX conferencecalls_retention ON conferencecalls(live, tm_update);",
                 "creating the conference tables");
}

// Created whole: nothing older holds groups or missed calls. A ring group's row is
// keyed by its integer id, so max(id) is the highest ever handed out.
Status add_groups(sqlite3* db) {
  return execute(db,
                 "CREATE TABLE extension_groups("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
                 "  body TEXT NOT NULL);"
                 "CREATE TABLE ring_groups("
                 "  id INTEGER PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
                 "  body TEXT NOT NULL);"
                 "CREATE TABLE missed_calls("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, extension_id BLOB NOT NULL,"
                 "  tm_create INTEGER NOT NULL, body TEXT NOT NULL);"
                 "CREATE INDEX missed_calls_by_extension"
                 "  ON missed_calls(extension_id, tm_create, id);"
                 "CREATE INDEX missed_calls_retention ON missed_calls(tm_create);",
                 "creating the group and missed call tables");
}

// Created whole: nothing older holds instant group calls. Keyed by Chorus's id,
// as the directory is; the serviceUserId may change and lives in the body.
Status add_instant_group_calls(sqlite3* db) {
  return execute(db,
                 "CREATE TABLE instant_group_calls("
                 "  id BLOB PRIMARY KEY, customer_id BLOB NOT NULL, tm_delete INTEGER,"
                 "  body TEXT NOT NULL);",
                 "creating the instant group call table");
}

struct Migration {
  int version;  // user_version once the step is done
  Status (*apply)(sqlite3*);
};

constexpr Migration migrations[] = {
    {1, &create_tables},            // groupcalls, calls, agents, extensions
    {2, &add_tm_update},            // retention by tm_update
    {3, &add_conferences},          // conferences, conferencecalls
    {4, &add_groups},               // extension groups, ring groups, missed calls
    {5, &add_instant_group_calls},  // instant group calls (APIO)
};

static_assert(migrations[std::size(migrations) - 1].version == SqliteStore::schema_version,
              "SqliteStore::schema_version is the last migration's version");

Result<int> user_version(sqlite3* db) {
  Result<std::int64_t> version = query_integer(db, "PRAGMA user_version", "reading user_version");
  if (!version) return version.error();
  return static_cast<int>(*version);
}

Status refuse_newer(int version) {
  return Error::unavailable("store: chorus.db has schema version " + std::to_string(version) +
                            ", newer than this chorusd (" +
                            std::to_string(SqliteStore::schema_version) + "); refusing to start");
}

// One step in one transaction, checked again under the write lock so that two
// processes opening the same file cannot both apply it.
Status apply(sqlite3* db, const Migration& migration) {
  Status begun = execute(db, "BEGIN IMMEDIATE", "starting a migration");
  if (!begun) return begun;
  Result<int> version = user_version(db);
  Status done = version ? Status() : Status(version.error());
  if (done && *version > SqliteStore::schema_version) done = refuse_newer(*version);
  if (done && *version < migration.version) {
    done = migration.apply(db);
    const std::string set_version = "PRAGMA user_version = " + std::to_string(migration.version);
    if (done) done = execute(db, set_version.c_str(), "setting user_version");
  }
  if (done) done = execute(db, "COMMIT", "committing a migration");
  if (!done && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return done;
}

}  // namespace

Status migrate(sqlite3* db) {
  Result<int> version = user_version(db);
  if (!version) return version.error();
  if (*version > SqliteStore::schema_version) return refuse_newer(*version);
  for (const Migration& migration : migrations) {
    if (migration.version <= *version) continue;
    Status applied = apply(db, migration);
    if (!applied) return applied;
  }
  return {};
}

}  // namespace chorus
