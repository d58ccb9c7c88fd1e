#pragma once
// Helpers shared by the store tests: a temporary data directory, resources with
// every field set, and a raw SQLite handle for looking at the file directly.
// store_contract.hpp adds the fixture that runs a test on every backend.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
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

inline RingGroupMember ring_group_member(std::string value, RingGroupMemberType type,
                                         std::string text) {
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
inline RingGroup full_ring_group(const Uuid& customer_id, std::int32_t id, Timestamp created) {
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
      ring_group_member("3071", RingGroupMemberType::extension, "Evelyn"),
      ring_group_member(Uuid::generate().to_string(), RingGroupMemberType::ext_group,
                        "Tech\nSupport")};
  g.member_list = {ring_group_member("2001", RingGroupMemberType::extension, "Ærø"), together,
                   ring_group_member("Sales", RingGroupMemberType::ext_group, "")};
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

inline ExtensionGroup full_extension_group(const Uuid& customer_id, Timestamp created) {
  ExtensionGroup g;
  g.id = Uuid::generate();
  g.customer_id = customer_id;
  g.name = "Tech Support ☎";
  g.extensions = {"2001", Uuid::generate().to_string()};
  g.tm_create = created;
  g.tm_update = Timestamp::from_micros(created.micros() + 40);
  return g;
}

inline MissedCall full_missed_call(const Uuid& customer_id, const Uuid& extension_id,
                                   Timestamp created) {
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

// Every field set to something other than its default.
inline InstantGroupCall full_instant_group_call(const Uuid& customer_id,
                                                std::string service_user_id, Timestamp created) {
  InstantGroupCall s;
  s.id = Uuid::generate();
  s.customer_id = customer_id;
  s.tenant_id = "tenant-東京";
  s.group_id = "group \"one\"";
  s.service_user_id = std::move(service_user_id);
  s.name = "Zoë's hunt ☎";
  s.department = ApioDepartment{"tenant-東京", "group \"one\"", "Sales\nWest", "Sales\nWest (x)"};
  s.cli_first_name = "Ærø";
  s.cli_last_name = "Ångström \\ back";
  s.language = "Français";
  s.time_zone = "Europe/Brussels";
  s.phone_number = "+3225551234";
  s.extension = "1234";
  s.answer_timeout_minutes = 60;
  s.answer_timeout_enabled = true;
  s.destination_phone_numbers = {"+3225550001", "+3225550002", "+15551230003"};
  s.template_name = "IGC template";
  s.active = false;
  s.tm_create = created;
  s.tm_update = Timestamp::from_micros(created.micros() + 50);
  return s;
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
