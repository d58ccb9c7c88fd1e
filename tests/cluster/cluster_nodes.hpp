#pragma once
// What the cluster tests share: chorusd nodes of one cluster, on a fresh database
// of the binary's PostgreSQL and (unless a test brings its own) its nats-server,
// each with the API keys of customers A and B, and REST clients for them.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/chorusd_process.hpp"
#include "tests/support/customers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/postgres_server.hpp"

namespace chorus::test {

class ClusterTest : public ::testing::Test {
 protected:
  // Node `name`, on this test's database and `nats`, with `extra` flags.
  std::unique_ptr<ChorusdProcess> node(const std::string& name,
                                       const std::string& nats = NatsServer::shared().url(),
                                       const std::vector<std::string>& extra = {}) {
    auto flags = api_key_flags();
    flags.insert(flags.end(), {"--postgres", postgres, "--nats", nats, "--node-id", name,
                               "--log-level", "warn"});
    flags.insert(flags.end(), extra.begin(), extra.end());
    return std::make_unique<ChorusdProcess>(ChorusdProcess::on_free_port(flags));
  }

  static std::unique_ptr<HttpClient> client(const ChorusdProcess& node, const std::string& key) {
    auto c = std::make_unique<HttpClient>(node.port());
    c->default_headers = bearer(key);
    return c;
  }

  // A string member of a JSON body, or "".
  static std::string field(const std::string& json, const char* name) {
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    if (!doc.IsObject()) return {};
    auto m = doc.FindMember(name);
    return m != doc.MemberEnd() && m->value.IsString() ? m->value.GetString() : std::string();
  }

  // The one call of a new groupcall on `api` whose leg (`name`@sim) answers at
  // once, once it has; "" (and a failure) when it never does.
  static std::string answered_call(HttpClient& api, const std::string& name = "desk") {
    const std::string body = R"({"source":{"type":"tel","target":"+15550100"},)"
                             R"("destinations":[{"type":"endpoint","target":")" +
                             name + R"(@sim;answer=0"}]})";
    auto created = api.post("/v1.0/groupcalls", body);
    EXPECT_EQ(created.status, 200u) << created.body;
    rapidjson::Document doc;
    doc.Parse(created.body.c_str(), created.body.size());
    if (!doc.IsObject() || !doc.HasMember("call_ids") || !doc["call_ids"].IsArray() ||
        doc["call_ids"].Size() != 1 || !doc["call_ids"][0].IsString()) {
      ADD_FAILURE() << created.body;
      return {};
    }
    std::string id = doc["call_ids"][0].GetString();
    EXPECT_TRUE(eventually(
        [&] { return field(api.get("/v1.0/calls/" + id).body, "status") == "progressing"; },
        std::chrono::seconds(5)))
        << "call " << id << " never answered";
    return id;
  }

  // A POST /v1.0/conferencecalls body: `call_id` joins `conference_id`.
  static std::string join_body(const std::string& conference_id, const std::string& call_id) {
    return R"({"conference_id":")" + conference_id +
           R"(","reference_type":"call","reference_id":")" + call_id + R"("})";
  }

  std::string postgres = PostgresServer::shared().create_database();
};

}  // namespace chorus::test
