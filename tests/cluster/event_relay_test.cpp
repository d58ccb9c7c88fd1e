// chorusd as a node of a cluster (--postgres, --nats, --node-id) relays every
// event its engine publishes to NATS, on chorus.events.<customer>.<resource>.<id>:
// a subscriber to one customer's subject gets every event of that customer's
// groupcall, in order per resource, and another customer's subject gets none.
// Against a real nats-server and PostgreSQL the tests start.

#include <gtest/gtest.h>
#include <nats/nats.h>

#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/call.hpp"
#include "model/event.hpp"
#include "tests/cluster/cluster_nodes.hpp"
#include "tests/support/nats_server.hpp"
#include "transport/cluster/event_relay.hpp"

namespace chorus::test {
namespace {

constexpr int64_t patience_ms = 10'000;

struct Relayed {
  std::string subject;
  std::string type;  // the event's "type"
  std::string id;    // its data's "id"
};

// A plain libnats subscriber of its own connection, read synchronously: each
// NextMsg waits for the next message (bounded), never a fixed sleep.
class Subscriber {
 public:
  Subscriber(const std::string& url, const std::string& subject) {
    EXPECT_EQ(natsConnection_ConnectTo(&connection_, url.c_str()), NATS_OK);
    EXPECT_EQ(natsConnection_SubscribeSync(&subscription_, connection_, subject.c_str()), NATS_OK);
    // The server knows the interest before the test makes anything happen.
    EXPECT_EQ(natsConnection_FlushTimeout(connection_, patience_ms), NATS_OK);
  }
  ~Subscriber() {
    natsSubscription_Destroy(subscription_);
    natsConnection_Destroy(connection_);
  }
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // The next message, or nullopt when none came within `timeout_ms`.
  std::optional<Relayed> next(int64_t timeout_ms = patience_ms) {
    natsMsg* msg = nullptr;
    if (natsSubscription_NextMsg(&msg, subscription_, timeout_ms) != NATS_OK) return std::nullopt;
    Relayed relayed;
    relayed.subject = natsMsg_GetSubject(msg);
    rapidjson::Document event;
    event.Parse(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    if (event.IsObject() && event.HasMember("type") && event.HasMember("data")) {
      relayed.type = event["type"].GetString();
      relayed.id = event["data"]["id"].GetString();
    }
    natsMsg_Destroy(msg);
    return relayed;
  }

 private:
  natsConnection* connection_ = nullptr;
  natsSubscription* subscription_ = nullptr;
};

class ClusterNode : public ClusterTest {};

TEST_F(ClusterNode, EveryEventOfACustomerGoesToItsSubjectInOrder) {
  auto a = node("node-a");
  const std::string& customer = customer_a;
  Subscriber mine(NatsServer::shared().url(), "chorus.events." + customer + ".>");
  Subscriber others(NatsServer::shared().url(), "chorus.events." + customer_b + ".>");

  auto created =
      client(*a, key_a)->post("/v1.0/groupcalls", R"({"source":{"type":"tel","target":"+15550100"},
      "destinations":[{"type":"endpoint","target":"busy@sim;busy=0"}]})");
  ASSERT_EQ(created.status, 200u) << created.body;

  std::map<std::string, std::vector<std::string>> types_by_resource;
  std::string groupcall_id;
  for (;;) {
    auto relayed = mine.next();
    ASSERT_TRUE(relayed) << "the groupcall's events stopped before groupcall_hangup";
    const std::string kind = relayed->type.substr(0, relayed->type.find('_'));
    EXPECT_EQ(relayed->subject, "chorus.events." + customer + "." + kind + "." + relayed->id);
    types_by_resource[relayed->id].push_back(relayed->type);
    if (relayed->type == "groupcall_hangup") {
      groupcall_id = relayed->id;
      break;
    }
  }
  ASSERT_EQ(types_by_resource.size(), 2u) << "the groupcall and its one call";
  EXPECT_EQ(types_by_resource[groupcall_id].front(), "groupcall_created");
  for (auto& [id, types] : types_by_resource) {
    if (id == groupcall_id) continue;
    EXPECT_EQ(types, (std::vector<std::string>{"call_created", "call_dialing", "call_ringing",
                                               "call_hangup"}))
        << "one call's events, in the order they happened";
  }
  // One connection published everything in order: anything misrouted to another
  // customer's subject would have arrived by now.
  EXPECT_FALSE(others.next(0)) << "another customer's subject got an event";
}

// A node that stops tells the others how its calls ended: the hangups its
// shutdown makes reach NATS before it exits.
TEST_F(ClusterNode, ANodeThatStopsPublishesTheHangupsOfItsShutdown) {
  auto a = node("node-a");
  Subscriber mine(NatsServer::shared().url(), "chorus.events." + customer_a + ".>");
  auto created =
      client(*a, key_a)->post("/v1.0/groupcalls", R"({"source":{"type":"tel","target":"+15550100"},
      "destinations":[{"type":"endpoint","target":"ring@sim"},{"type":"endpoint","target":"ring2@sim"}],
      "ring_timeout":600})");
  ASSERT_EQ(created.status, 200u) << created.body;
  // Both calls ringing: what the shutdown hangs up is live.
  int ringing = 0;
  while (ringing < 2) {
    auto relayed = mine.next();
    ASSERT_TRUE(relayed) << "the calls never rang";
    ringing += relayed->type == "call_ringing";
  }

  const ExitStatus stopped = a->stop();
  EXPECT_TRUE(stopped.clean()) << stopped.to_string();
  std::map<std::string, int> ended;
  while (ended["call_hangup"] < 2 || ended["groupcall_hangup"] < 1) {
    auto relayed = mine.next();
    ASSERT_TRUE(relayed) << "the shutdown's hangups never reached NATS";
    ++ended[relayed->type];
  }
}

// Stopping the relay publishes every event it queued first, in order, whatever
// was still waiting for its thread: here a burst handed over just before.
TEST(EventRelayQueue, StopPublishesEveryQueuedEventInOrder) {
  auto link = NatsLink::connect({NatsServer::shared().url(), "relay-test"});
  ASSERT_TRUE(link.ok()) << link.error().message;
  const Uuid customer = Uuid::generate();
  Subscriber all(NatsServer::shared().url(), "chorus.events." + customer.to_string() + ".>");
  constexpr int burst = 20'000;
  std::vector<std::string> sent;
  {
    EventRelay relay(std::shared_ptr<NatsLink>(std::move(*link)));
    for (int i = 0; i < burst; ++i) {
      auto call = std::make_shared<Call>();
      call->id = Uuid::generate();
      call->customer_id = customer;
      sent.push_back(call->id.to_string());
      relay.deliver(std::make_shared<Event>(EventType::call_created, std::move(call)));
    }
    relay.stop();
    EXPECT_EQ(relay.dropped(), 0u);
  }
  for (int i = 0; i < burst; ++i) {
    auto relayed = all.next();
    ASSERT_TRUE(relayed) << "event " << i << " of " << burst << " never arrived";
    ASSERT_EQ(relayed->id, sent[static_cast<std::size_t>(i)]) << "event " << i;
  }
}

TEST_F(ClusterNode, ANatsServerOutOfReachAtStartIsNamedAndTheNodeDoesNotStart) {
  auto run = run_chorusd({"--listen", "127.0.0.1:0", "--postgres", postgres, "--nats",
                          "nats://127.0.0.1:1", "--node-id", "node-a"});
  EXPECT_TRUE(run.status.exited && run.status.code != 0) << run.status.to_string();
  EXPECT_NE(run.err.find("cluster: NATS unreachable"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("listening"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace chorus::test
