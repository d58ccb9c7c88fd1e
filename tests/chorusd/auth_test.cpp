// Authentication: a key from `Authorization: Bearer`, `?token=` or `?accesskey=`;
// a missing or unknown key is 401 JSON on every endpoint, and changes nothing.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Auth : public ApiTest {};

// Every authenticated route, with a method it answers.
std::vector<std::pair<std::string, std::string>> every_route() {
  return {
      {"GET", "/v1.0/groupcalls"},
      {"POST", "/v1.0/groupcalls"},
      {"GET", "/v1.0/groupcalls/" + random_id},
      {"DELETE", "/v1.0/groupcalls/" + random_id},
      {"POST", "/v1.0/groupcalls/" + random_id + "/hangup"},
      {"GET", "/v1.0/calls"},
      {"GET", "/v1.0/calls/" + random_id},
      {"DELETE", "/v1.0/calls/" + random_id},
      {"POST", "/v1.0/calls/" + random_id + "/hangup"},
      {"POST", "/v1.0/calls"},
      {"GET", "/v1.0/conferences"},
      {"POST", "/v1.0/conferences"},
      {"GET", "/v1.0/conferences/" + random_id},
      {"PUT", "/v1.0/conferences/" + random_id},
      {"DELETE", "/v1.0/conferences/" + random_id},
      {"GET", "/v1.0/conferencecalls"},
      {"POST", "/v1.0/conferencecalls"},
      {"GET", "/v1.0/conferencecalls/" + random_id},
      {"DELETE", "/v1.0/conferencecalls/" + random_id},
      {"GET", "/v1.0/agents"},
      {"POST", "/v1.0/agents"},
      {"GET", "/v1.0/agents/" + random_id},
      {"PUT", "/v1.0/agents/" + random_id},
      {"DELETE", "/v1.0/agents/" + random_id},
      {"GET", "/v1.0/extensions"},
      {"POST", "/v1.0/extensions"},
      {"GET", "/v1.0/extensions/" + random_id},
      {"PUT", "/v1.0/extensions/" + random_id},
      {"DELETE", "/v1.0/extensions/" + random_id},
      {"GET", "/v1.0/extensions/" + random_id + "/missed_calls"},
      {"GET", "/v1.0/extension_groups"},
      {"POST", "/v1.0/extension_groups"},
      {"GET", "/v1.0/extension_groups/" + random_id},
      {"PUT", "/v1.0/extension_groups/" + random_id},
      {"DELETE", "/v1.0/extension_groups/" + random_id},
      {"GET", "/v1.0/customer"},
  };
}

// A body that would be accepted by the route, were the key good.
std::string good_body(const std::string& path) {
  if (path == "/v1.0/groupcalls" || path == "/v1.0/calls") {
    return groupcall_body({endpoint("x@sim")});
  }
  if (path.rfind("/v1.0/conferences", 0) == 0) return R"({"name":"x"})";
  if (path == "/v1.0/conferencecalls") {
    return R"({"conference_id":")" + random_id + R"(","reference_type":"call","reference_id":")" +
           random_id + R"("})";
  }
  if (path.rfind("/v1.0/agents", 0) == 0) return agent_body("x", {endpoint("x@sim")});
  if (path.rfind("/v1.0/extensions", 0) == 0) return extension_body("x", "77", {});
  if (path.rfind("/v1.0/extension_groups", 0) == 0) return R"({"name":"x","extensions":[]})";
  return "";
}

TEST_F(Auth, AKeyIsReadFromEachOfTheThreePlaces) {
  HttpClient anonymous(port());
  auto created = create_groupcall(*a, groupcall_body({endpoint("x@sim;busy=0")}));
  auto expected = std::vector<std::string>{str(created, "id")};

  auto bearer = anonymous.get("/v1.0/groupcalls", {{"Authorization", "Bearer " + key_a}});
  ASSERT_EQ(bearer.status, 200u) << bearer.body;
  EXPECT_EQ(ids_of(parse_json(bearer.body)), expected);

  auto token = anonymous.get("/v1.0/groupcalls?token=" + key_a);
  ASSERT_EQ(token.status, 200u) << token.body;
  EXPECT_EQ(ids_of(parse_json(token.body)), expected);

  auto accesskey = anonymous.get("/v1.0/groupcalls?accesskey=" + key_a);
  ASSERT_EQ(accesskey.status, 200u) << accesskey.body;
  EXPECT_EQ(ids_of(parse_json(accesskey.body)), expected);

  // Among other parameters, in any position, and for writes too.
  auto among = anonymous.get("/v1.0/groupcalls?page_size=5&accesskey=" + key_a + "&x=1");
  ASSERT_EQ(among.status, 200u) << among.body;
  EXPECT_EQ(ids_of(parse_json(among.body)), expected);
  auto write = anonymous.post("/v1.0/agents?token=" + key_b, agent_body("b", {}));
  ASSERT_EQ(write.status, 200u) << write.body;
  EXPECT_EQ(str(parse_json(write.body), "customer_id"), customer_b);
  // Each key acts for its own customer.
  auto as_b = anonymous.get("/v1.0/groupcalls?token=" + key_b);
  EXPECT_TRUE(ids_of(parse_json(as_b.body)).empty());
}

TEST_F(Auth, MissingOrUnknownKeysAre401OnEveryEndpoint) {
  auto before = everything(*a);
  HttpClient anonymous(port());
  const std::vector<std::pair<std::string, Headers>> attempts = {
      {"", {}},                                       // no key at all
      {"", {{"Authorization", "Bearer wrong-key"}}},  // unknown bearer
      {"", {{"Authorization", "Bearer "}}},           // empty bearer
      {"", {{"Authorization", "Basic " + key_a}}},    // not a bearer
      {"", {{"Authorization", key_a}}},               // no scheme
      {"?token=wrong-key", {}},                       // unknown token
      {"?accesskey=wrong-key", {}},                   // unknown accesskey
      {"?token=", {}},                                // empty token
      {"?tokens=" + key_a, {}},                       // not the parameter
      {"?page_size=5", {}},                           // other parameters only
      {"?token=" + key_a.substr(1), {}},              // a prefix of a key
      {"?token=" + key_a + "x", {}},                  // a longer key
  };
  for (auto& [method, path] : every_route()) {
    for (auto& [query, headers] : attempts) {
      SCOPED_TRACE(method + " " + path + query);
      Headers h = headers;
      if (method == "POST" || method == "PUT") h.push_back({"Content-Type", "application/json"});
      auto r = anonymous.request(method, path + query, good_body(path), h);
      expect_error(r, 401, "UNAUTHORIZED", "API key");
    }
  }
  EXPECT_EQ(everything(*a), before);
  EXPECT_TRUE(ids_of(ok(b->get("/v1.0/agents"))).empty());
  EXPECT_TRUE(ids_of(ok(b->get("/v1.0/groupcalls"))).empty());
  // No leg was dialled by any of them.
  EXPECT_EQ(metrics()["chorus_legs_dialled_total"], 0);
}

TEST_F(Auth, AnUnknownBearerIsNotRescuedByAGoodToken) {
  HttpClient anonymous(port());
  expect_error(anonymous.get("/v1.0/agents?token=" + key_a, {{"Authorization", "Bearer nope"}}),
               401, "UNAUTHORIZED");
}

TEST_F(Auth, CustomerNamesTheKeysOwnCustomer) {
  auto of_a = ok(a->get("/v1.0/customer"));
  EXPECT_EQ(str(of_a, "id"), customer_a);
  auto of_b = ok(b->get("/v1.0/customer"));
  EXPECT_EQ(str(of_b, "id"), customer_b);
  HttpClient anonymous(port());
  EXPECT_EQ(str(ok(anonymous.get("/v1.0/customer?accesskey=" + key_b)), "id"), customer_b);
  expect_error(anonymous.get("/v1.0/customer"), 401, "UNAUTHORIZED");
}

TEST_F(Auth, HealthMetricsAndTheDashboardNeedNoKey) {
  HttpClient anonymous(port());
  auto health = anonymous.get("/health");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.header("Content-Type"), "application/json");
  EXPECT_EQ(str(parse_json(health.body), "status"), "ok");
  auto m = anonymous.get("/metrics");
  EXPECT_EQ(m.status, 200u);
  EXPECT_EQ(m.header("Content-Type").rfind("text/plain", 0), 0u) << m.header("Content-Type");
  auto page = anonymous.get("/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("Content-Type").rfind("text/html", 0), 0u) << page.header("Content-Type");
}

}  // namespace
}  // namespace chorus::test
