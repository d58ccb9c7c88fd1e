#pragma once
// What the durable-store tests of chorusd share: a daemon on a data directory of
// the test's own that can be stopped and started again on it, raw GET bodies to
// compare byte for byte across a restart, client threads that work side by side,
// and a hand on chorus.db itself (SQLite) for what only the file can show or
// arrange: live rows after a crash, old tm_update values, a newer schema.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.hpp"
#include "tests/scratch_dir.hpp"

namespace chorus::test {

// chorus.db (or any SQLite file) opened by the test; every failure is a test failure.
class SqliteFile {
 public:
  explicit SqliteFile(const std::string& path, int flags = SQLITE_OPEN_READWRITE) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteFile() { sqlite3_close(db_); }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (error ? error : "?");
    }
    sqlite3_free(error);
  }

  // The first column of every row `sql` gives, as text; `text` binds to ?1 when given.
  std::vector<std::string> column(const std::string& sql, const std::string* text = nullptr) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    if (text) sqlite3_bind_text(stmt, 1, text->data(), static_cast<int>(text->size()), nullptr);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto value = sqlite3_column_text(stmt, 0);
      out.emplace_back(value ? reinterpret_cast<const char*>(value) : "");
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
  }

  std::int64_t integer(const std::string& sql) {
    auto rows = column(sql);
    return rows.empty() ? -1 : std::stoll(rows.front());
  }

  // The ids (text, from each row's JSON body) of a table's rows that match `where`.
  std::set<std::string> ids(const std::string& table, const std::string& where = "1") {
    auto rows = column("SELECT json_extract(body, '$.id') FROM " + table + " WHERE " + where);
    return {rows.begin(), rows.end()};
  }

  // Sets the tm_update column (what retention reads) of the row whose body has `id`.
  void set_tm_update(const std::string& table, const std::string& id, std::int64_t micros) {
    exec("UPDATE " + table + " SET tm_update = " + std::to_string(micros) +
         " WHERE json_extract(body, '$.id') = '" + id + "'");
    EXPECT_EQ(sqlite3_changes(db_), 1) << table << " has no row " << id;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Microseconds since the Unix epoch, `age` ago.
inline std::int64_t micros_ago(std::chrono::system_clock::duration age) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             (std::chrono::system_clock::now() - age).time_since_epoch())
      .count();
}

// Runs `work(index)` on `threads` threads at once and waits for all of them.
inline void side_by_side(int threads, const std::function<void(int)>& work) {
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) running.emplace_back(work, i);
  for (auto& t : running) t.join();
}

// ApiTest on a data directory the test keeps across restarts.
class StoreApiTest : public ApiTest {
 protected:
  // Flags beyond the API keys and the data directory (e.g. --sync normal).
  virtual std::vector<std::string> store_flags() { return {}; }

  std::vector<std::string> flags() override {
    auto f = ApiTest::flags();
    f.insert(f.end(), {"--data-dir", data.path()});
    auto more = store_flags();
    f.insert(f.end(), more.begin(), more.end());
    return f;
  }

  std::string database() const { return data / "chorus.db"; }

  // SIGTERM (the exit must be clean), then a new chorusd on the same directory.
  void restart() {
    stop();
    start();
  }
  void stop() {
    a.reset();
    b.reset();
    if (!daemon) return;
    auto status = daemon->stop();
    EXPECT_TRUE(status.clean()) << "chorusd " << status.to_string() << "\n" << daemon->err();
    daemon.reset();
  }
  void start() { SetUp(); }

  // The raw 200 body of every GET in `targets`, to compare byte for byte.
  std::map<std::string, std::string> bodies(HttpClient& c,
                                            const std::vector<std::string>& targets) {
    std::map<std::string, std::string> out;
    for (auto& target : targets) {
      auto r = c.get(target);
      EXPECT_EQ(r.status, 200u) << target << " -> " << r.body;
      out[target] = r.body;
    }
    return out;
  }

  ScratchDir data;
};

}  // namespace chorus::test
