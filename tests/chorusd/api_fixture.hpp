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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "chorusd_process.hpp"
#include "http_client.hpp"

namespace chorus::test {

using Json = rapidjson::Document;
using JsonValue = rapidjson::Value;

inline const std::string customer_a = "a1a1a1a1-0000-4000-8000-00000000000a";
inline const std::string customer_b = "b2b2b2b2-0000-4000-8000-00000000000b";
inline const std::string key_a = "key-of-a";
inline const std::string key_b = "key-of-b";
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

inline std::string quoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
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

// Polls `condition` every 10 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Prometheus text: "name{labels}" (as written) -> value.
inline std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The canonical name of each HTTP status chorusd answers with, as an error envelope's
// "status" holds it.
inline std::string status_name(unsigned status) {
  static const std::map<unsigned, std::string> names = {
      {400, "BAD_REQUEST"},
      {401, "UNAUTHORIZED"},
      {404, "NOT_FOUND"},
      {405, "METHOD_NOT_ALLOWED"},
      {409, "CONFLICT"},
      {413, "PAYLOAD_TOO_LARGE"},
      {414, "URI_TOO_LONG"},
      {415, "UNSUPPORTED_MEDIA_TYPE"},
      {431, "REQUEST_HEADER_FIELDS_TOO_LARGE"},
      {500, "INTERNAL_SERVER_ERROR"},
      {503, "SERVICE_UNAVAILABLE"},
  };
  auto i = names.find(status);
  return i == names.end() ? "<no name for " + std::to_string(status) + ">" : i->second;
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

// Checks an error answer: the status and VoIPbin's envelope
// {"error":{"status","reason","message","request_id"}}: the status's name, `reason`, a
// message that mentions `mentions`, the X-Request-Id header's id; and when it names a
// field (Chorus's "field"), a message that names it too.
inline void expect_error(const HttpResponse& r, unsigned status, const std::string& reason,
                         const std::string& mentions = "") {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json") << r.body;
  auto error = error_of(r);
  for (auto* member : {"status", "reason", "message", "request_id"}) {
    ASSERT_TRUE(error.HasMember(member) && error[member].IsString())
        << "no string member " << member << ": " << r.body;
  }
  EXPECT_EQ(str(error, "status"), status_name(status)) << r.body;
  EXPECT_EQ(str(error, "reason"), reason) << r.body;
  auto message = str(error, "message");
  EXPECT_FALSE(message.empty()) << r.body;
  if (!mentions.empty()) {
    EXPECT_NE(message.find(mentions), std::string::npos)
        << "message does not mention \"" << mentions << "\": " << r.body;
  }
  EXPECT_FALSE(str(error, "request_id").empty()) << r.body;
  EXPECT_EQ(str(error, "request_id"), r.header("X-Request-Id")) << r.body;
  if (error.HasMember("field")) {
    ASSERT_TRUE(error["field"].IsString()) << r.body;
    EXPECT_NE(message.find(error["field"].GetString()), std::string::npos) << r.body;
  }
}

// An error answer about one field: as expect_error, with "field" naming `field`.
inline void expect_field_error(const HttpResponse& r, unsigned status, const std::string& reason,
                               const std::string& field) {
  expect_error(r, status, reason, field);
  auto error = error_of(r);
  ASSERT_TRUE(error.HasMember("field") && error["field"].IsString()) << "no field: " << r.body;
  EXPECT_EQ(std::string(error["field"].GetString()), field) << r.body;
}

inline std::vector<std::string> api_key_flags() {
  return {"--api-key", key_a + "=" + customer_a, "--api-key", key_b + "=" + customer_b};
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
    if (!key.empty()) client->default_headers = {{"Authorization", "Bearer " + key}};
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
    Json last;
    bool held = eventually(
        [&] {
          last = groupcall(c, id);
          return done(last);
        },
        timeout);
    EXPECT_TRUE(held) << "groupcall " << id << " never reached the expected state";
    return last;
  }
  Json await_call(HttpClient& c, const std::string& id,
                  const std::function<bool(const Json&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    Json last;
    bool held = eventually(
        [&] {
          last = call(c, id);
          return done(last);
        },
        timeout);
    EXPECT_TRUE(held) << "call " << id << " never reached the expected state";
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

  std::map<std::string, double> metrics() {
    HttpClient anonymous(port());
    auto r = anonymous.get("/metrics");
    EXPECT_EQ(r.status, 200u);
    return parse_metrics(r.body);
  }

  std::unique_ptr<ChorusdProcess> daemon;
  std::unique_ptr<HttpClient> a;
  std::unique_ptr<HttpClient> b;
};

}  // namespace chorus::test
