#pragma once
// The store contract's fixture: every backend honours the same port
// (actors/store.hpp), so each contract test runs once per backend, named by it
// ("Sqlite", "Postgres"), on a fresh, empty store: SQLite in a new temporary
// directory, PostgreSQL in a new database on the test binary's shared server. The
// fixture can restart the store on the same data, and reach the database beside
// the store for what the port does not show (how many rows a table holds, a row
// damaged or refused on purpose), in SQL both backends speak.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "actors/store/postgres_store.hpp"
#include "store_test_support.hpp"
#include "tests/support/postgres_server.hpp"

namespace chorus::store_test {

enum class Backend { sqlite, postgres };

inline const char* to_string(Backend backend) {
  return backend == Backend::sqlite ? "Sqlite" : "Postgres";
}
// How gtest prints a parameter (found by argument-dependent lookup).
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << to_string(backend);
}

// Every backend, for INSTANTIATE_TEST_SUITE_P.
inline auto every_backend() {
  return ::testing::Values(Backend::sqlite, Backend::postgres);
}

// The test name's suffix: "Sqlite" or "Postgres".
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return to_string(info.param);
}

// Any backend's open(), as the port.
inline Result<std::unique_ptr<Store>> open_any(const StoreOptions& options) {
  if (options.postgres_url.empty()) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
  }
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options);
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(*store));
}

// A raw libpq connection to a PostgreSQL database, for what the store does not
// expose: RawDb's twin (each column as text, "NULL" for NULL, joined by '|').
class RawPg {
 public:
  explicit RawPg(const std::string& url) : db_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(db_.get()), CONNECTION_OK) << url << ": " << PQerrorMessage(db_.get());
  }
  PGconn* get() const { return db_.get(); }

  // Whether `sql` succeeded; its error message otherwise goes to `error` when given.
  bool try_exec(const std::string& sql, std::string* error = nullptr) {
    Answer result(PQexec(db_.get(), sql.c_str()));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return true;
    if (error != nullptr) *error = PQresultErrorMessage(result.get());
    return false;
  }
  void exec(const std::string& sql) {
    std::string error;
    EXPECT_TRUE(try_exec(sql, &error)) << sql << ": " << error;
  }
  std::vector<std::string> rows(const std::string& sql) {
    Answer result(PQexec(db_.get(), sql.c_str()));
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(result.get());
    std::vector<std::string> out;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      std::string line;
      for (int column = 0; column < PQnfields(result.get()); ++column) {
        if (column > 0) line += '|';
        line +=
            PQgetisnull(result.get(), row, column) ? "NULL" : PQgetvalue(result.get(), row, column);
      }
      out.push_back(line);
    }
    return out;
  }
  std::string one(const std::string& sql) {
    const std::vector<std::string> all = rows(sql);
    EXPECT_EQ(all.size(), 1u) << sql;
    return all.empty() ? std::string() : all.front();
  }

 private:
  struct Finish {
    void operator()(PGconn* db) const { PQfinish(db); }
  };
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using Answer = std::unique_ptr<PGresult, Clear>;
  std::unique_ptr<PGconn, Finish> db_;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::sqlite) {
      sqlite_dir_ = std::make_unique<TempDir>();
      options_ = options_in(sqlite_dir_->path());
    } else {
      // The shared server starts on first use, on this (the test's) thread.
      options_ = options_in("");
      options_.postgres_url = test::PostgresServer::shared().create_database();
    }
    ASSERT_TRUE(open());
  }

  Store& store() { return *store_; }
  Backend backend() const { return GetParam(); }

  // A restart: the store closed and opened again on the same data. Use as
  // ASSERT_TRUE(reopen()).
  bool reopen() {
    store_.reset();
    return open();
  }

  // The one row `sql` returns, columns joined by '|', "NULL" for NULL. Booleans
  // differ between the backends: select `CASE WHEN live THEN 1 ELSE 0 END`.
  std::string one(const std::string& sql) {
    if (backend() == Backend::sqlite) return RawDb(sqlite_file()).one(sql);
    return RawPg(options_.postgres_url).one(sql);
  }
  void exec(const std::string& sql) {
    if (backend() == Backend::sqlite) return RawDb(sqlite_file()).exec(sql);
    RawPg(options_.postgres_url).exec(sql);
  }
  std::string rows_in(const std::string& table) { return one("SELECT count(*) FROM " + table); }

  // From now on no row of `table` can be written (inserted or replaced): each
  // attempt fails with an error naming "refused_<table>". As a trigger in SQLite, a
  // constraint in PostgreSQL; rows already there stay.
  void refuse_writes_to(const std::string& table) {
    const std::string name = "refused_" + table;
    if (backend() == Backend::sqlite) {
      for (const char* when : {"INSERT", "UPDATE"}) {
        exec("CREATE TRIGGER " + name + "_" + when + " BEFORE " + when + " ON " + table +
             " BEGIN SELECT RAISE(ABORT, '" + name + "'); END");
      }
    } else {
      exec("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " CHECK (false) NOT VALID");
    }
  }
  void accept_writes_to(const std::string& table) {
    const std::string name = "refused_" + table;
    if (backend() == Backend::sqlite) {
      exec("DROP TRIGGER " + name + "_INSERT; DROP TRIGGER " + name + "_UPDATE");
    } else {
      exec("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
    }
  }

  StoredState load() {
    Result<StoredState> state = store_->load();
    EXPECT_TRUE(state.ok()) << (state.ok() ? "" : state.error().message);
    return state.ok() ? std::move(*state) : StoredState();
  }

 private:
  bool open() {
    Result<std::unique_ptr<Store>> opened = open_any(options_);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    if (opened.ok()) store_ = std::move(*opened);
    return store_ != nullptr;
  }
  std::string sqlite_file() const { return options_.data_dir + "/chorus.db"; }

  std::unique_ptr<TempDir> sqlite_dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

}  // namespace chorus::store_test
