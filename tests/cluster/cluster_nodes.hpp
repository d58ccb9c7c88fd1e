#pragma once
// What the cluster tests share: chorusd nodes of one cluster, on a fresh database
// of the binary's PostgreSQL and (unless a test brings its own) its nats-server,
// each with the API keys of customers A and B, and REST clients for them.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/chorusd_process.hpp"
#include "tests/support/customers.hpp"
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

  std::string postgres = PostgresServer::shared().create_database();
};

}  // namespace chorus::test
