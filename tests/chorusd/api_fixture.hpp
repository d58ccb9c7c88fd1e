#pragma once
// What the chorusd API tests share: a daemon per test with two customers' keys
// (A and B) and --max-destinations 3, a kept-alive client per customer, JSON
// parsing with RapidJSON, request bodies, bounded polling, and checks for the error
// answers (VoIPbin's envelope, {"error":{"status","reason","message","request_id"}}).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/support/chorusd_process.hpp"
#include "tests/support/customers.hpp"
#include "tests/support/error_envelope.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/json_text.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/raw_connection.hpp"

namespace chorus::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Json = rapidjson::Document;
using JsonValue = rapidjson::Value;

inline const std::string zero_id = "00000000-0000-0000-0000-000000000000";
inline const std::string not_yet = "9999-01-01 00:00:00.000000";
// A well-formed id nobody has.
inline const std::string random_id = "5e1ec7ed-dead-4bee-8fed-0123456789ab";

inline Json parse_json(const std::string& text) {
  Json doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    ADD_FAILURE() << "not JSON (" << rapidjson::GetParseError_En(doc.GetParseError())
                  << "): " << text;
    doc.SetObject();
  }
  return doc;
}

// A JSON value as compact text, to compare values whatever their spelling.
inline std::string compact(const JsonValue& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

inline std::string str(const JsonValue& v, const char* name) {
  if (!v.IsObject() || !v.HasMember(name) || !v[name].IsString()) {
    ADD_FAILURE() << "no string member " << name;
    return {};
  }
  return v[name].GetString();
}

inline int integer(const JsonValue& v, const char* name) {
  if (!v.IsObject() || !v.HasMember(name) || !v[name].IsInt()) {
    ADD_FAILURE() << "no integer member " << name;
    return -1;
  }
  return v[name].GetInt();
}

inline std::vector<std::string> strings(const JsonValue& v, const char* name) {
  std::vector<std::string> out;
  if (!v.IsObject() || !v.HasMember(name) || !v[name].IsArray()) {
    ADD_FAILURE() << "no array member " << name;
    return out;
  }
  for (auto& e : v[name].GetArray()) out.push_back(e.IsString() ? e.GetString() : "<not a string>");
  return out;
}

// The ids in a list answer's "result".
inline std::vector<std::string> ids_of(const JsonValue& list) {
  std::vector<std::string> out;
  if (!list.IsObject() || !list.HasMember("result") || !list["result"].IsArray()) {
    ADD_FAILURE() << "not a list answer";
    return out;
  }
  for (auto& item : list["result"].GetArray()) out.push_back(str(item, "id"));
  return out;
}

inline std::string address(const std::string& type, const std::string& target,
                           const std::string& target_name = "") {
  std::string json = "{\"type\":" + quoted(type) + ",\"target\":" + quoted(target);
  if (!target_name.empty()) json += ",\"target_name\":" + quoted(target_name);
  return json + "}";
}
inline std::string endpoint(const std::string& target) {
  return address("endpoint", target);
}
inline std::string agent_destination(const std::string& id) {
  return address("agent", id);
}
inline std::string extension_number(const std::string& number) {
  return address("extension", "", number);
}

inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// A POST /v1.0/groupcalls body; `extra` is spliced in as more members.
inline std::string groupcall_body(const std::vector<std::string>& destinations,
                                  const std::string& ring_method = "",
                                  const std::string& extra = "") {
  std::string body = R"({"source":{"type":"tel","target":"+15550001000"},"destinations":[)" +
                     join(destinations) + "]";
  if (!ring_method.empty()) body += ",\"ring_method\":" + quoted(ring_method);
  if (!extra.empty()) body += "," + extra;
  return body + "}";
}

inline std::string agent_body(const std::string& name, const std::vector<std::string>& addresses,
                              const std::string& ring_method = "") {
  std::string body = "{\"name\":" + quoted(name) + ",\"addresses\":[" + join(addresses) + "]";
  if (!ring_method.empty()) body += ",\"ring_method\":" + quoted(ring_method);
  return body + "}";
}

inline std::string extension_body(const std::string& name, const std::string& number,
                                  const std::vector<std::string>& contacts) {
  return "{\"name\":" + quoted(name) + ",\"extension\":" + quoted(number) + ",\"contacts\":[" +
         join(contacts) + "]}";
}

// An error answer's "error" object; an empty object, and a test failure, when it has none.
inline Json error_of(const HttpResponse& r) {
  auto doc = parse_json(r.body);
  Json error;
  error.SetObject();
  if (!doc.IsObject() || !doc.HasMember("error") || !doc["error"].IsObject()) {
    ADD_FAILURE() << "no error object: " << r.body;
    return error;
  }
  error.CopyFrom(doc["error"], error.GetAllocator());
  return error;
}

// An error object as text without its request id, which differs on every request: two
// answers compared this way say the same thing.
inline std::string error_without_request_id(const HttpResponse& r) {
  auto error = error_of(r);
  error.RemoveMember("request_id");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  error.Accept(w);
  return buffer.GetString();
}

// An error answer about one field: as expect_error, with "field" naming `field`.
inline void expect_field_error(const HttpResponse& r, unsigned status, const std::string& reason,
                               const std::string& field) {
  expect_error(r, status, reason, field, field);
}

class ApiTest : public ::testing::Test {
 protected:
  // The daemon's flags beyond --listen; tests may override before SetUp.
  virtual std::vector<std::string> flags() {
    auto f = api_key_flags();
    f.insert(f.end(), {"--max-destinations", "3", "--log-level", "warn"});
    return f;
  }

  void SetUp() override {
    daemon = std::make_unique<ChorusdProcess>(ChorusdProcess::on_free_port(flags()));
    a = client_for(key_a);
    b = client_for(key_b);
  }
  void TearDown() override {
    a.reset();
    b.reset();
    daemon.reset();  // SIGTERM; the exit status must be clean
  }

  std::unique_ptr<HttpClient> client_for(const std::string& key) {
    auto client = std::make_unique<HttpClient>(daemon->port());
    if (!key.empty()) client->default_headers = bearer(key);
    return client;
  }
  std::uint16_t port() const { return daemon->port(); }

  // A 200 answer's JSON body; a test failure otherwise.
  static Json ok(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    return parse_json(r.body);
  }

  Json create_groupcall(HttpClient& c, const std::string& body) {
    auto r = c.post("/v1.0/groupcalls", body);
    EXPECT_EQ(r.status, 200u) << body << " -> " << r.body;
    return parse_json(r.body);
  }
  Json groupcall(HttpClient& c, const std::string& id) {
    return ok(c.get("/v1.0/groupcalls/" + id));
  }
  Json call(HttpClient& c, const std::string& id) { return ok(c.get("/v1.0/calls/" + id)); }
  Json create_agent(HttpClient& c, const std::string& body) {
    return ok(c.post("/v1.0/agents", body));
  }
  Json create_extension(HttpClient& c, const std::string& body) {
    return ok(c.post("/v1.0/extensions", body));
  }

  // Polls GET /v1.0/groupcalls/{id} until `done` holds (bounded); returns the last one.
  Json await_groupcall(HttpClient& c, const std::string& id,
                       const std::function<bool(const Json&)>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return await_resource(c, "groupcall", id, done, timeout);
  }
  Json await_call(HttpClient& c, const std::string& id,
                  const std::function<bool(const Json&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return await_resource(c, "call", id, done, timeout);
  }
  // GET /v1.0/{kind}s/{id} until `done` holds (bounded); the last answer.
  Json await_resource(HttpClient& c, const std::string& kind, const std::string& id,
                      const std::function<bool(const Json&)>& done,
                      std::chrono::milliseconds timeout) {
    Json last;
    bool held = eventually(
        [&] {
          last = ok(c.get("/v1.0/" + kind + "s/" + id));
          return done(last);
        },
        timeout);
    EXPECT_TRUE(held) << kind << " " << id << " never reached the expected state";
    return last;
  }
  static std::function<bool(const Json&)> has_status(const std::string& status) {
    return [status](const Json& j) { return str(j, "status") == status; };
  }

  // Every id in a customer's four lists (first page of 100).
  std::set<std::string> everything(HttpClient& c) {
    std::set<std::string> all;
    for (auto* path : {"/v1.0/groupcalls", "/v1.0/calls", "/v1.0/agents", "/v1.0/extensions"}) {
      auto list = ok(c.get(path));
      for (auto& id : ids_of(list)) all.insert(path + std::string(":") + id);
    }
    return all;
  }

  Metrics metrics() { return scrape_metrics(port()); }

  std::unique_ptr<ChorusdProcess> daemon;
  std::unique_ptr<HttpClient> a;
  std::unique_ptr<HttpClient> b;
};

}  // namespace chorus::test
