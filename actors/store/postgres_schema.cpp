#include "actors/store/postgres_schema.hpp"

#include <cstdlib>
#include <iterator>
#include <string>

#include "actors/store/postgres_connection.hpp"
#include "actors/store/postgres_queries.hpp"

namespace chorus {

namespace {

// Ids are uuid, times bigint microseconds (as in SQLite: Timestamp's own parser
// and printer stay the one place that knows the text form), bodies text: jsonb
// would reorder keys, and a row must read back byte for byte.
std::string listed_table(const std::string& name) {
  return "CREATE TABLE " + name +
         "(id uuid PRIMARY KEY, customer_id uuid NOT NULL, tm_create bigint NOT NULL,"
         " tm_update bigint NOT NULL, tm_delete bigint, live boolean NOT NULL, body text NOT NULL);"
         "CREATE INDEX " +
         name + "_by_customer ON " + name + "(customer_id, tm_create, id);" +
         // Retention walks only ended rows, oldest first. No index on live: a
         // restart reads live rows once, and each index costs every update (measured:
         // one on live rows cost the lifecycle benchmark about a tenth, in one pair
         // of runs).
         "CREATE INDEX " + name + "_retention ON " + name + "(tm_update) WHERE NOT live;";
}

std::string directory_table(const std::string& name, const char* id_type) {
  return "CREATE TABLE " + name + "(id " + id_type +
         " PRIMARY KEY, customer_id uuid NOT NULL, tm_delete bigint, body text NOT NULL);";
}

Status create_tables(PGconn* db) {
  std::string sql;
  for (const char* name : {"groupcalls", "calls", "conferences", "conferencecalls"}) {
    sql += listed_table(name);
  }
  for (const char* name : {"agents", "extensions", "extension_groups", "instant_group_calls"}) {
    sql += directory_table(name, "uuid");
  }
  // A ring group's id is Yeastar's integer: max(id) is the highest ever handed out.
  sql += directory_table("ring_groups", "integer");
  sql +=
      "CREATE TABLE missed_calls(id uuid PRIMARY KEY, customer_id uuid NOT NULL,"
      " extension_id uuid NOT NULL, tm_create bigint NOT NULL, body text NOT NULL);"
      "CREATE INDEX missed_calls_by_extension ON missed_calls(extension_id, tm_create, id);"
      "CREATE INDEX missed_calls_retention ON missed_calls(tm_create);";
  return postgres_execute(db, sql.c_str(), "creating the tables");
}

// Schema 2 (issue 20): leases, owners and shared ring group ids. chorus_nodes holds each node's
// lease (expires_at null once another node took it over); each listed row records the node that
// owns it while live; chorus_fence lets a write batch through only under its node's current epoch.
// No index on the owner: like a restart's load, a takeover reads live rows once, and an index would
// cost every update.
Status add_leases(PGconn* db) {
  std::string sql =
      "CREATE TABLE chorus_nodes(node_id text PRIMARY KEY, epoch bigint NOT NULL,"
      " expires_at timestamptz);"
      "CREATE FUNCTION chorus_fence(node text, held bigint) RETURNS void LANGUAGE plpgsql AS $$"
      " BEGIN"
      "  PERFORM 1 FROM chorus_nodes WHERE node_id = node AND epoch = held FOR KEY SHARE;"
      "  IF NOT FOUND THEN"
      "   RAISE EXCEPTION 'node \"%\" no longer holds its lease (epoch %)', node, held"
      "    USING ERRCODE = '";
  sql += postgres_queries::fenced_sqlstate;
  sql += "';  END IF; END $$;";
  for (const char* name : {"groupcalls", "calls", "conferences", "conferencecalls"}) {
    sql += std::string("ALTER TABLE ") + name + " ADD COLUMN owner_node text NOT NULL DEFAULT " +
           postgres_queries::owner_column_default + ";";
  }
  // Ring group ids from one sequence, past every id already taken.
  sql +=
      "CREATE SEQUENCE chorus_ring_group_ids AS integer;"
      "SELECT setval('chorus_ring_group_ids', max(id)) FROM ring_groups HAVING max(id) > 0;";
  return postgres_execute(db, sql.c_str(), "adding leases");
}

struct Migration {
  int version;  // chorus_schema.version once the step is done
  Status (*apply)(PGconn*);
};

constexpr Migration migrations[] = {
    {1, &create_tables},  // everything SQLite's schema 5 holds
    {2, &add_leases},
};

static_assert(migrations[std::size(migrations) - 1].version == postgres_schema_version,
              "postgres_schema_version is the last migration's version");

// Any fixed key: every chorusd on the database serialises its migrations on it.
constexpr const char* lock_migrations = "SELECT pg_advisory_xact_lock(7160189411)";

Result<int> schema_version(PGconn* db) {
  Status created = postgres_execute(db,
                                    "CREATE TABLE IF NOT EXISTS chorus_schema(version integer NOT "
                                    "NULL);"
                                    "INSERT INTO chorus_schema SELECT 0 WHERE NOT EXISTS"
                                    " (SELECT 1 FROM chorus_schema)",
                                    "reading the schema version");
  if (!created) return created.error();
  PgParams none;
  Result<PgResult> read = postgres_run(db, "SELECT version FROM chorus_schema", none,
                                       "reading the schema version", false);
  if (!read) return read.error();
  return std::atoi(PQgetvalue(read->get(), 0, 0));
}

Status refuse_newer(int version) {
  return Error::unavailable("store: the PostgreSQL database has schema version " +
                            std::to_string(version) + ", newer than this chorusd (" +
                            std::to_string(postgres_schema_version) + "); refusing to start");
}

// One step in one transaction, checked again under the lock.
Status apply(PGconn* db, const Migration& migration) {
  Status done = postgres_execute(db, "BEGIN", "starting a migration");
  if (!done) return done;
  done = postgres_execute(db, lock_migrations, "locking the schema");
  Result<int> version = done ? schema_version(db) : Result<int>(done.error());
  if (!version) done = version.error();
  if (done && *version > postgres_schema_version) done = refuse_newer(*version);
  if (done && *version < migration.version) {
    done = migration.apply(db);
    const std::string set_version =
        "UPDATE chorus_schema SET version = " + std::to_string(migration.version);
    if (done) done = postgres_execute(db, set_version.c_str(), "setting the schema version");
  }
  if (done) return postgres_execute(db, "COMMIT", "committing a migration");
  PQclear(PQexec(db, "ROLLBACK"));
  return done;
}

}  // namespace

Status postgres_migrate(PGconn* db) {
  for (const Migration& migration : migrations) {
    Status applied = apply(db, migration);
    if (!applied) return applied;
  }
  return {};
}

}  // namespace chorus
