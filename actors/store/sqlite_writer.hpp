#pragma once
// The store's one write connection and its prepared statements: write() upserts a
// batch in one transaction, purge() deletes ended rows past retention. Used by one
// thread at a time (SqliteStore holds a mutex around it). A failure leaves no
// transaction open; the store drops a writer that failed and opens a fresh one
// for the next call, so a fault that clears needs no restart.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/sqlite_statement.hpp"
#include "actors/store/stored_record.hpp"
#include "config/store_options.hpp"

namespace chorus {

class SqliteWriter {
 public:
  // Takes a connection already configured (configure_writer) and migrated.
  static Result<std::unique_ptr<SqliteWriter>> create(Connection db);
  // Opens, configures and prepares a writer on a database already migrated.
  static Result<std::unique_ptr<SqliteWriter>> open(const std::string& path, SyncMode sync);

  // Upserts the last row of each resource in `rows` (earlier snapshots of the same
  // id in one batch are superseded, so they are skipped); null rows are skipped.
  Status write(const std::vector<StoreRow>& rows);
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit);
  // Rewrites the schema version with the value it has: a real page write and
  // commit that changes nothing.
  Status probe();
  sqlite3* handle() const { return db_.get(); }

 private:
  explicit SqliteWriter(Connection db) : db_(std::move(db)) {}
  Status prepare_all();
  int upsert(const StoredRecord& record);
  // Runs BEGIN IMMEDIATE, `body`, COMMIT; rolls back and names the failure otherwise.
  template <class Body>
  Status in_transaction(const char* doing, Body&& body);

  Connection db_;
  Statement begin_;
  Statement commit_;
  Statement rollback_;
  // By StoredTable.
  std::array<Statement, static_cast<std::size_t>(StoredTable::missed_calls) + 1> upserts_;
  Statement purge_calls_;
  Statement purge_groupcalls_;
  Statement purge_conferencecalls_;
  Statement purge_conferences_;
  Statement purge_missed_calls_;
  Statement probe_;
};

}  // namespace chorus
