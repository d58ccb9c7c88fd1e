// Two chorusd nodes of one cluster (one PostgreSQL, one nats-server, both
// started by the tests): a WebSocket subscriber on node B gets every event of a
// groupcall made on node A, once each and in order per resource, exactly as a
// subscriber on A does; another customer's subscriber on B gets none of it.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/cluster/cluster_nodes.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics.hpp"
#include "tests/websocket/ws_test_support.hpp"

namespace chorus::test {
namespace {

using Sequence = std::map<std::string, std::vector<std::string>>;  // id -> event types

class TwoNodes : public ClusterTest {
 protected:
  // Creates a groupcall for `key`'s customer through `port`; its id.
  static std::string make_groupcall(std::uint16_t port, const std::string& key) {
    HttpClient api(port);
    api.default_headers = bearer(key);
    auto created = api.post("/v1.0/groupcalls", R"({"source":{"type":"tel","target":"+15550100"},
        "destinations":[{"type":"endpoint","target":"busy@sim;busy=0"}]})");
    EXPECT_EQ(created.status, 200u) << created.body;
    return field(created.body, "id");
  }

  // What `client` receives up to and including the groupcall_hangup of `id`.
  static Sequence events_until_hangup(wstest::WsClient& client, const std::string& id) {
    Sequence seen;
    for (;;) {
      auto frame = wstest::next_frame(client);
      if (!frame.is_event()) {
        ADD_FAILURE() << "not an event: " << frame.raw;
        return seen;
      }
      seen[frame.id].push_back(frame.type);
      if (frame.type == "groupcall_hangup" && frame.id == id) return seen;
    }
  }
};

TEST_F(TwoNodes, ASubscriberOnEitherNodeGetsEveryEventOfAGroupcallOnceInOrder) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto on_a = wstest::open_client(a->port(), key_a, {wstest::topic(customer_a)});
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});
  auto other_on_b = wstest::open_client(b->port(), key_b, {wstest::topic(customer_b)});

  const std::string id = make_groupcall(a->port(), key_a);
  const Sequence seen_on_a = events_until_hangup(*on_a, id);
  const Sequence seen_on_b = events_until_hangup(*on_b, id);
  ASSERT_EQ(seen_on_a.size(), 2u) << "the groupcall and its call";
  EXPECT_EQ(seen_on_b, seen_on_a) << "node B relays exactly what node A published";
  EXPECT_EQ(seen_on_b.at(id).front(), "groupcall_created");

  // The other customer's first event on B is its own groupcall's: nothing of A's
  // customer reached it before.
  const std::string theirs = make_groupcall(a->port(), key_b);
  auto first = wstest::next_frame(*other_on_b);
  EXPECT_EQ(first.type, "groupcall_created") << first.raw;
  EXPECT_EQ(first.id, theirs) << first.raw;
  // Nor did A's subscriber get its node's events twice: they come back to A on
  // NATS too, and are dropped there. They left A before the other customer's
  // groupcall did, which B has received by now.
  EXPECT_FALSE(on_a->read(std::chrono::milliseconds(0))) << "a duplicate reached node A";
}

TEST_F(TwoNodes, WhenNatsRestartsSubscribersAreToldOfTheGapAndDeliveryResumes) {
  NatsServer nats;  // the test's own: it is killed
  auto a = node("node-a", nats.url());
  auto b = node("node-b", nats.url());
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});
  events_until_hangup(*on_b, make_groupcall(a->port(), key_a));

  EXPECT_EQ(HttpClient(b->port()).get("/health").body,
            R"({"status":"ok","store":"ok","nats":"ok","lease":"ok"})");
  auto before = scrape_metrics(b->port());
  EXPECT_EQ(before["chorus_cluster_nats_connected"], 1);
  EXPECT_GE(before["chorus_cluster_events_received_total"], 4) << "the groupcall's and its call's";
  EXPECT_EQ(before["chorus_cluster_events_refused_total"], 0);

  nats.kill();
  auto gap = wstest::next_frame(*on_b);
  EXPECT_TRUE(gap.is_dropped()) << "the subscriber is told events may be missing: " << gap.raw;
  auto health = HttpClient(b->port()).get("/health");
  EXPECT_EQ(health.status, 503u);
  EXPECT_NE(health.body.find(R"("nats":"cluster: NATS unreachable)"), std::string::npos)
      << health.body;
  // Calls go on on A meanwhile; nothing crashes.
  make_groupcall(a->port(), key_a);
  nats.start();

  // Both nodes reconnect by themselves (every 250 ms); a groupcall made after
  // both have reaches B. Until then one may be lost: each try waits for its own.
  bool resumed = false;
  for (int attempt = 0; attempt < 20 && !resumed; ++attempt) {
    const std::string id = make_groupcall(a->port(), key_a);
    for (;;) {
      auto text = on_b->read(std::chrono::milliseconds(500));
      if (!text) break;
      auto frame = wstest::parse_frame(*text);
      if (frame.type == "groupcall_hangup" && frame.id == id) {
        resumed = true;
        break;
      }
    }
  }
  EXPECT_TRUE(resumed) << "no groupcall made on A after NATS came back reached B";
  EXPECT_EQ(HttpClient(b->port()).get("/health").status, 200u);
  EXPECT_GE(scrape_metrics(b->port())["chorus_cluster_nats_reconnects_total"], 1);
  EXPECT_TRUE(a->alive() && b->alive());
}

}  // namespace
}  // namespace chorus::test
