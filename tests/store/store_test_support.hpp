#pragma once
// Helpers shared by the store tests: a temporary data directory, resources with
// every field set, and a raw SQLite handle for looking at the file directly.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/store/sqlite_store.hpp"
#include "model/conference_json.hpp"
#include "model/direct_hash.hpp"
#include "model/json.hpp"

namespace chorus::store_test {

// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chorus-store-XXXXXX").string();
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline StoreOptions options_in(const std::string& data_dir, SyncMode sync = SyncMode::normal) {
  StoreOptions options;
  options.data_dir = data_dir;
  options.sync = sync;
  return options;
}

inline std::unique_ptr<SqliteStore> open_store(const StoreOptions& options) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

// A fixed instant (2020-04-18 03:22:17.995000 UTC) plus `offset` microseconds.
inline Timestamp at(std::int64_t offset) {
  return Timestamp::from_micros(1587180137995000LL + offset);
}

inline Address full_address(AddressType type, const std::string& target) {
  Address address;
  address.type = type;
  address.target = target;
  address.target_name = "Zoë Ångström 東京";
  address.name = "Ünïcødé ☎ name";
  address.detail = "détail \"quoted\" \\ and\nnewline";
  return address;
}

inline Groupcall full_groupcall(const Uuid& customer_id, Timestamp created) {
  Groupcall g;
  g.id = Uuid::generate();
  g.customer_id = customer_id;
  g.owner_type = "agent";
  g.owner_id = Uuid::generate();
  g.status = GroupcallStatus::progressing;
  g.source = full_address(AddressType::tel, "+821100000001");
  g.destinations = {full_address(AddressType::tel, "+821100000002"),
                    full_address(AddressType::endpoint, "alice@example.com"),
                    full_address(AddressType::sip, "sip:bob@example.com;transport=tls"),
                    full_address(AddressType::agent, Uuid::generate().to_string())};
  g.master_call_id = Uuid::generate();
  g.master_groupcall_id = Uuid::generate();
  g.ring_method = RingMethod::linear;
  g.answer_method = AnswerMethod::hangup_others;
  g.answer_call_id = Uuid::generate();
  g.answer_groupcall_id = Uuid::generate();
  g.call_ids = {Uuid::generate(), Uuid::generate()};
  g.groupcall_ids = {Uuid::generate()};
  g.call_count = 2;
  g.groupcall_count = 1;
  g.dial_index = 1;
  g.ring_timeout = 45;
  g.answer_timeout = 600;
  g.tm_create = created;
  g.tm_update = Timestamp::from_micros(created.micros() + 1500);
  return g;
}

inline Call full_call(const Uuid& customer_id, Timestamp created) {
  Call c;
  c.id = Uuid::generate();
  c.customer_id = customer_id;
  c.groupcall_id = Uuid::generate();
  c.master_call_id = Uuid::generate();
  c.source = full_address(AddressType::tel, "+821100000001");
  c.destination = full_address(AddressType::extension, "2001");
  c.direction = CallDirection::outgoing;
  c.status = CallStatus::progressing;
  c.hangup_by = HangupBy::remote;
  c.hangup_reason = HangupReason::normal;
  c.tm_create = created;
  c.tm_update = Timestamp::from_micros(created.micros() + 900);
  c.tm_progressing = Timestamp::from_micros(created.micros() + 700);
  c.tm_ringing = Timestamp::from_micros(created.micros() + 300);
  return c;
}

inline Agent full_agent(const Uuid& customer_id, Timestamp created) {
  Agent a;
  a.id = Uuid::generate();
  a.customer_id = customer_id;
  a.name = "Agent Ærøskøbing 김민준";
  a.addresses = {full_address(AddressType::tel, "+821100000003"),
                 full_address(AddressType::sip, "sip:agent@example.com")};
  a.ring_method = RingMethod::ring_all;
  a.tm_create = created;
  a.tm_update = Timestamp::from_micros(created.micros() + 10);
  return a;
}

inline Extension full_extension(const Uuid& customer_id, Timestamp created) {
  Extension e;
  e.id = Uuid::generate();
  e.customer_id = customer_id;
  e.name = "Réception";
  e.extension = "2001";
  e.contacts = {full_address(AddressType::sip, "sip:2001@10.0.0.1:5060")};
  e.tm_create = created;
  e.tm_update = Timestamp::from_micros(created.micros() + 20);
  return e;
}

// Live (progressing), with every field set, data in the normal form the codec keeps.
inline Conference full_conference(const Uuid& customer_id, Timestamp created) {
  Conference c;
  c.id = Uuid::generate();
  c.customer_id = customer_id;
  c.type = ConferenceType::connect;
  c.status = ConferenceStatus::progressing;
  c.name = "Réunion 会議 \"weekly\"";
  c.detail = "détail \\ and\nnewline ☎";
  Result<Text> data =
      conference_data_from_json(R"({"room":"Ærø","n":[1,2.5,null],"x":{"y":true}})");
  EXPECT_TRUE(data.ok()) << (data.ok() ? "" : data.error().message);
  if (data.ok()) c.data = *data;
  c.timeout = 3600;
  c.pre_flow_id = Uuid::generate();
  c.post_flow_id = Uuid::generate();
  c.conferencecall_ids = {Uuid::generate(), Uuid::generate()};
  c.direct_hash = generate_direct_hash();
  c.max_participants = 8;
  c.tm_create = created;
  c.tm_update = Timestamp::from_micros(created.micros() + 800);
  return c;
}

// Live (joined) in `conference`.
inline Conferencecall full_conferencecall(const Uuid& customer_id, Timestamp created,
                                          const Uuid& conference_id = Uuid::generate()) {
  Conferencecall p;
  p.id = Uuid::generate();
  p.customer_id = customer_id;
  p.conference_id = conference_id;
  p.reference_type = ConferencecallReferenceType::call;
  p.reference_id = Uuid::generate();
  p.status = ConferencecallStatus::joined;
  p.tm_create = created;
  p.tm_update = Timestamp::from_micros(created.micros() + 400);
  return p;
}

template <class T>
StoreRow row(const T& resource) {
  return StoreRow(std::make_shared<const T>(resource));
}

// A raw connection to a database file, for what the store does not expose.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }
  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message ? message : "");
    sqlite3_free(message);
  }
  // Every row of a query, each column as text ("NULL" for NULL), joined by '|'.
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        if (i > 0) line += '|';
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        line += text != nullptr ? text : "NULL";
      }
      out.push_back(line);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::string one(const std::string& sql) {
    const std::vector<std::string> all = rows(sql);
    EXPECT_EQ(all.size(), 1u) << sql;
    return all.empty() ? std::string() : all.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace chorus::store_test
