// The key check before the upgrade: refused with 401 (and never upgraded) without
// a valid key, accepted from each of the three places a key may come from, and
// the connection then acts for that key's customer only.

#include <gtest/gtest.h>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

// An upgrade request: where it goes and with which header fields.
struct Case {
  std::string what;
  std::string target;
  Headers headers;

  WsClient::Options options() const {
    WsClient::Options o;
    o.target = target;
    o.headers = headers;
    return o;
  }
};

TEST(WsAuth, MissingOrUnknownKeyIsRefusedWith401BeforeTheUpgrade) {
  Chorusd chorusd;
  std::vector<Case> cases{
      {"no key at all", "/v1.0/ws", {}},
      {"unknown bearer key", "/v1.0/ws", bearer("not-a-key")},
      {"empty bearer key", "/v1.0/ws", {{"Authorization", "Bearer "}}},
      {"another scheme", "/v1.0/ws", {{"Authorization", "Basic " + key_a}}},
      {"unknown token", "/v1.0/ws?token=not-a-key", {}},
      {"empty token", "/v1.0/ws?token=", {}},
      {"unknown accesskey", "/v1.0/ws?accesskey=not-a-key", {}},
      {"a key's prefix", "/v1.0/ws?token=" + key_a.substr(0, key_a.size() - 1), {}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    WsClient client(chorusd.port(), c.options());
    EXPECT_EQ(client.connect(), 401u);
    EXPECT_FALSE(client.is_open());
    expect_envelope(client.handshake_response(), 401, "UNAUTHORIZED");
  }
  // By hand too: the answer is a plain 401 and the server then closes the connection.
  RawWsPeer raw(chorusd.port());
  EXPECT_EQ(raw.upgrade("/v1.0/ws?token=wrong"), 401u);
  EXPECT_TRUE(raw.wait_eof(5s)) << "a refused upgrade must not leave the connection open";
}

TEST(WsAuth, KeyIsAcceptedFromBearerTokenAndAccesskey) {
  Chorusd chorusd;
  std::vector<Case> cases{
      {"Authorization: Bearer", "/v1.0/ws", bearer(key_a)},
      {"?token=", "/v1.0/ws?token=" + key_a, {}},
      {"?accesskey=", "/v1.0/ws?accesskey=" + key_a, {}},
      {"?token= among other parameters", "/v1.0/ws?x=1&token=" + key_a + "&y=2", {}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    WsClient client(chorusd.port(), c.options());
    ASSERT_EQ(client.connect(), 101u) << client.handshake_response().body;
    // The connection acts for the key's customer: its topics are accepted...
    subscribe(client, {topic(customer_a)});
    // ...and the other customer's are not.
    auto error = expect_error(client, topics_message("subscribe", {topic(customer_b)}));
    EXPECT_NE(error.message.find("own customer"), std::string::npos) << error.raw;
    // Events of that customer arrive.
    auto created = create_groupcall(chorusd.port(), key_a, {"x@sim;ring=10"}, 1);
    auto frames = collect(
        client, [](const std::vector<Frame>& f) { return count_type(f, "groupcall_created") > 0; },
        5s);
    ASSERT_EQ(count_type(frames, "groupcall_created"), 1u);
    for (auto& f : frames) {
      EXPECT_EQ(f.customer_id, customer_a) << f.raw;
    }
    client.close();
  }
}

TEST(WsAuth, SecondKeyActsForItsOwnCustomer) {
  Chorusd chorusd;
  WsClient client(chorusd.port(), with_token(key_b));
  ASSERT_EQ(client.connect(), 101u);
  subscribe(client, {topic(customer_b, "groupcall")});
  expect_error(client, topics_message("subscribe", {topic(customer_a, "groupcall")}));
}

TEST(WsAuth, UpgradesElsewhereThanV1WsAreRefusedWith404) {
  Chorusd chorusd;
  for (std::string target : {"/v1.0/websocket?token=" + key_a, "/?token=" + key_a,
                             "/v1.0/ws/extra?token=" + key_a, "/v1.0/groupcalls?token=" + key_a}) {
    SCOPED_TRACE(target);
    WsClient::Options options;
    options.target = target;
    WsClient client(chorusd.port(), options);
    EXPECT_EQ(client.connect(), 404u);
    expect_envelope(client.handshake_response(), 404, "PATH_NOT_FOUND");
  }
}

}  // namespace
}  // namespace chorus::wstest
