// A node of the cluster that dies or freezes (issue 20): chorusd nodes on one
// PostgreSQL and one nats-server, each with a one-second lease. Killed with
// SIGKILL while it runs ringing calls, node A's lease expires and a survivor
// ends its calls as restart recovery would (hangup, reason failed), the events
// reaching a subscriber on another node within the lease and a margin; nothing
// A acknowledged is lost. Frozen with SIGSTOP until its lease is taken over, A
// comes back to find it lost: it writes nothing over what the survivor did,
// claims a new lease and takes traffic again.

#include <gtest/gtest.h>
#include <signal.h>

#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/cluster/cluster_nodes.hpp"
#include "tests/support/chorusd_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/metrics.hpp"
#include "tests/websocket/ws_test_support.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The survivors' failover: a lease of one second, renewed every 200 ms, looked
// for by the others as often. A node's legs end within that and a margin.
const std::vector<std::string> one_second_lease = {"--lease-ms", "1000"};
constexpr auto ended_within = 5s;

// A string member of an event frame's data (hangup_reason, tm_update), or "".
std::string data_field(const std::string& raw, const char* name) {
  rapidjson::Document doc;
  doc.Parse(raw.c_str(), raw.size());
  if (!doc.IsObject()) return {};
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd()) return {};
  return wstest::member_string(data->value, name);
}

bool seen(const std::vector<wstest::Frame>& frames, const std::string& type,
          const std::string& id) {
  for (const auto& f : frames) {
    if (f.type == type && f.id == id) return true;
  }
  return false;
}

std::string describe(const std::vector<wstest::Frame>& frames) {
  std::string text;
  for (const auto& f : frames) text += "  " + f.type + " " + f.id + "\n";
  return text;
}

// Sends SIGCONT when it goes, so that a failed assertion never leaves a node
// frozen for its destructor's SIGTERM to wait on.
class Thaw {
 public:
  explicit Thaw(ChorusdProcess& node) : node_(node) {}
  ~Thaw() { node_.signal(SIGCONT); }
  Thaw(const Thaw&) = delete;
  Thaw& operator=(const Thaw&) = delete;

 private:
  ChorusdProcess& node_;
};

class NodeFailure : public ClusterTest {
 protected:
  std::unique_ptr<ChorusdProcess> leased_node(const std::string& name) {
    return node(name, NatsServer::shared().url(), one_second_lease);
  }

  // A groupcall made on `node` ringing `target`, once `watcher` has seen its one
  // leg ring: the groupcall's id and the leg's.
  static std::pair<std::string, std::string> ringing_leg(const ChorusdProcess& node,
                                                         wstest::WsClient& watcher,
                                                         const std::string& target) {
    auto live = wstest::create_groupcall(node.port(), key_a, {target}, 300);
    EXPECT_EQ(live.status, 200u);
    if (live.call_ids.size() != 1u) {
      ADD_FAILURE() << live.body;
      return {};
    }
    const std::string leg = live.call_ids[0];
    auto ringing = wstest::collect(
        watcher,
        [&](const std::vector<wstest::Frame>& frames) { return seen(frames, "call_ringing", leg); },
        10s);
    EXPECT_TRUE(seen(ringing, "call_ringing", leg)) << describe(ringing);
    return {live.id, leg};
  }

  // A metric summed over `nodes`.
  static double total(const std::vector<ChorusdProcess*>& nodes, const std::string& name) {
    double sum = 0;
    for (auto* n : nodes) sum += scrape_metrics(n->port())[name];
    return sum;
  }
};

TEST_F(NodeFailure, ANodeKilledWhileItsCallsRingHasThemEndedByASurvivorWithinTheLease) {
  auto a = leased_node("node-a");
  auto b = leased_node("node-b");
  auto c = leased_node("node-c");
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});

  // Groupcalls A made and acknowledged: three that end at once, one that rings.
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 3; ++i) {
    auto ended = wstest::create_groupcall(a->port(), key_a, {"busy@sim;busy=0"});
    ASSERT_EQ(ended.status, 200u);
    acknowledged.push_back(ended.id);
  }
  auto live = wstest::create_groupcall(a->port(), key_a, {"desk-1@sim", "desk-2@sim"}, 300);
  ASSERT_EQ(live.status, 200u);
  ASSERT_EQ(live.call_ids.size(), 2u) << live.body;
  acknowledged.push_back(live.id);
  // Ringing, as B sees it, and the others over.
  auto before = wstest::collect(
      *on_b,
      [&](const std::vector<wstest::Frame>& frames) {
        for (std::size_t i = 0; i < 3; ++i) {
          if (!seen(frames, "groupcall_hangup", acknowledged[i])) return false;
        }
        return seen(frames, "call_ringing", live.call_ids[0]) &&
               seen(frames, "call_ringing", live.call_ids[1]);
      },
      10s);
  ASSERT_TRUE(seen(before, "call_ringing", live.call_ids[0]) &&
              seen(before, "call_ringing", live.call_ids[1]))
      << describe(before);

  a->expect_clean_exit(false);
  a->signal(SIGKILL);
  const auto killed = Clock::now();
  auto status = a->wait(10s);
  ASSERT_TRUE(status && status->signaled && status->signal == SIGKILL);

  auto after = wstest::collect(
      *on_b,
      [&](const std::vector<wstest::Frame>& frames) {
        return seen(frames, "call_hangup", live.call_ids[0]) &&
               seen(frames, "call_hangup", live.call_ids[1]) &&
               seen(frames, "groupcall_hangup", live.id);
      },
      ended_within + 5s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed);
  RecordProperty("ended_after_kill_ms", std::to_string(took.count()));
  ASSERT_TRUE(seen(after, "groupcall_hangup", live.id))
      << "no groupcall_hangup reached B; frames:\n"
      << describe(after);
  EXPECT_LT(took, ended_within) << "the survivors ended A's calls " << took.count()
                                << " ms after the kill";
  std::set<std::string> legs_ended;
  for (const auto& f : after) {
    if (f.type == "call_hangup") {
      EXPECT_EQ(data_field(f.raw, "hangup_reason"), "failed") << f.raw;
      EXPECT_EQ(f.status, "hangup") << f.raw;
      legs_ended.insert(f.id);
    }
    if (f.type == "groupcall_hangup") {
      EXPECT_EQ(f.id, live.id) << f.raw;
    }
  }
  EXPECT_EQ(legs_ended, std::set<std::string>(live.call_ids.begin(), live.call_ids.end()));

  // Node C reads them as ended; everything A acknowledged is there.
  auto api_c = client(*c, key_a);
  auto groupcall = api_c->get("/v1.0/groupcalls/" + live.id);
  ASSERT_EQ(groupcall.status, 200u) << groupcall.body;
  EXPECT_EQ(field(groupcall.body, "status"), "hangup") << groupcall.body;
  for (const auto& leg : live.call_ids) {
    auto call = api_c->get("/v1.0/calls/" + leg);
    ASSERT_EQ(call.status, 200u) << call.body;
    EXPECT_EQ(field(call.body, "status"), "hangup") << call.body;
    EXPECT_EQ(field(call.body, "hangup_reason"), "failed") << call.body;
  }
  for (const auto& id : acknowledged) {
    auto read = api_c->get("/v1.0/groupcalls/" + id);
    EXPECT_EQ(read.status, 200u) << id << ": " << read.body;
    EXPECT_EQ(field(read.body, "id"), id) << read.body;
  }

  // One survivor took A's lease over, once: the groupcall and its two legs.
  EXPECT_EQ(total({b.get(), c.get()}, "chorus_cluster_takeovers_total"), 1);
  EXPECT_EQ(total({b.get(), c.get()}, "chorus_cluster_resources_taken_over_total"), 3);
  for (auto* survivor : {b.get(), c.get()}) {
    auto metrics = scrape_metrics(survivor->port());
    EXPECT_EQ(metrics["chorus_cluster_lease_held"], 1);
    EXPECT_GE(metrics["chorus_cluster_lease_epoch"], 1);
    EXPECT_EQ(metrics["chorus_cluster_leases_lost_total"], 0);
  }
}

TEST_F(NodeFailure, ANodeFrozenPastItsLeaseWritesNothingOverTheSurvivorAndComesBack) {
  auto a = leased_node("node-a");
  auto b = leased_node("node-b");
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});
  // The leg answers 1.2 s after it rings: while A is frozen, so that A, thawed,
  // has a change of its own to write (refused: B owns the call by then).
  const auto ringing = ringing_leg(*a, *on_b, "desk@sim;answer=1200");
  const std::string &groupcall_id = ringing.first, &leg = ringing.second;
  ASSERT_FALSE(leg.empty());
  auto before = scrape_metrics(a->port());
  EXPECT_EQ(before["chorus_cluster_lease_held"], 1);
  EXPECT_EQ(before["chorus_cluster_leases_lost_total"], 0);
  const double epoch_before = before["chorus_cluster_lease_epoch"];
  EXPECT_GE(epoch_before, 1);

  {
    Thaw thaw(*a);
    a->signal(SIGSTOP);
    // B takes A's lease over once it has expired, and ends A's groupcall.
    auto taken = wstest::metrics_when(
        b->port(), [](Metrics& m) { return m["chorus_cluster_takeovers_total"] >= 1; }, 10s);
    ASSERT_EQ(taken["chorus_cluster_takeovers_total"], 1) << "B never took A's lease over";
    EXPECT_EQ(taken["chorus_cluster_resources_taken_over_total"], 2);
    auto ended = wstest::collect(
        *on_b,
        [&](const std::vector<wstest::Frame>& frames) {
          return seen(frames, "groupcall_hangup", groupcall_id);
        },
        5s);
    ASSERT_TRUE(seen(ended, "groupcall_hangup", groupcall_id)) << describe(ended);
    ASSERT_TRUE(seen(ended, "call_hangup", leg)) << describe(ended);
  }
  auto api_b = client(*b, key_a);
  const auto ended_groupcall = api_b->get("/v1.0/groupcalls/" + groupcall_id);
  const auto ended_call = api_b->get("/v1.0/calls/" + leg);
  ASSERT_EQ(ended_groupcall.status, 200u);
  ASSERT_EQ(ended_call.status, 200u);
  EXPECT_EQ(field(ended_groupcall.body, "status"), "hangup") << ended_groupcall.body;
  EXPECT_EQ(field(ended_call.body, "hangup_reason"), "failed") << ended_call.body;

  // A, thawed, finds its lease lost, lets its calls go and claims a new one.
  auto back = wstest::metrics_when(
      a->port(),
      [](Metrics& m) {
        return m["chorus_cluster_leases_lost_total"] >= 1 && m["chorus_cluster_lease_held"] == 1;
      },
      10s);
  EXPECT_EQ(back["chorus_cluster_leases_lost_total"], 1);
  EXPECT_EQ(back["chorus_cluster_lease_held"], 1) << "A never held a lease again";
  EXPECT_GT(back["chorus_cluster_lease_epoch"], epoch_before) << "a new claim is a new epoch";
  EXPECT_TRUE(eventually([&] { return HttpClient(a->port()).get("/health").status == 200; }, 5s))
      << HttpClient(a->port()).get("/health").body;
  const auto health = HttpClient(a->port()).get("/health");
  EXPECT_NE(health.body.find(R"("lease":"ok")"), std::string::npos) << health.body;

  // And takes traffic again: a new groupcall, made, stored and announced.
  auto fresh = wstest::create_groupcall(a->port(), key_a, {"busy@sim;busy=0"});
  ASSERT_EQ(fresh.status, 200u) << fresh.body;
  auto later = wstest::collect(
      *on_b,
      [&](const std::vector<wstest::Frame>& frames) {
        return seen(frames, "groupcall_hangup", fresh.id);
      },
      5s);
  ASSERT_TRUE(seen(later, "groupcall_hangup", fresh.id)) << describe(later);
  EXPECT_EQ(api_b->get("/v1.0/groupcalls/" + fresh.id).status, 200u);

  // Nothing of A's about the groupcall B ended: not published, not stored.
  for (const auto& f : later) {
    EXPECT_TRUE(f.id != groupcall_id && f.id != leg)
        << "A published after losing its lease: " << f.raw;
  }
  for (auto* reader : {b.get(), a.get()}) {
    auto api = client(*reader, key_a);
    auto groupcall = api->get("/v1.0/groupcalls/" + groupcall_id);
    auto call = api->get("/v1.0/calls/" + leg);
    EXPECT_EQ(groupcall.body, ended_groupcall.body)
        << "the groupcall changed after B ended it (read on port " << reader->port() << ")";
    EXPECT_EQ(field(groupcall.body, "tm_update"), field(ended_groupcall.body, "tm_update"));
    EXPECT_EQ(call.body, ended_call.body)
        << "the call changed after B ended it (read on port " << reader->port() << ")";
  }
  auto survivor = scrape_metrics(b->port());
  EXPECT_EQ(survivor["chorus_cluster_leases_lost_total"], 0);
  EXPECT_EQ(survivor["chorus_cluster_lease_held"], 1);
}

// A node leaving cleanly is not a node that died: while it drains its calls
// (longer than its lease here), it still holds its lease, so no survivor ends
// its calls as failed under it, and its own endings reach the store.
TEST_F(NodeFailure, ANodeDrainingLongerThanItsLeaseIsNotTakenOver) {
  auto a = node("node-a", NatsServer::shared().url(),
                {"--lease-ms", "1000", "--shutdown", "drain", "--shutdown-timeout-ms", "3000"});
  auto b = leased_node("node-b");
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});
  const auto ringing = ringing_leg(*a, *on_b, "desk@sim");
  const std::string &groupcall_id = ringing.first, &leg = ringing.second;
  ASSERT_FALSE(leg.empty());

  // SIGTERM: A drains for three leases, then hangs up what is still live.
  a->signal(SIGTERM);
  auto exited = a->wait(20s);
  ASSERT_TRUE(exited.has_value()) << "node A never exited";
  EXPECT_TRUE(exited->clean()) << exited->to_string() << "\nstderr:\n" << a->err();
  EXPECT_EQ(a->err().find("fenced"), std::string::npos)
      << "A's own writes were fenced while it drained:\n"
      << a->err();
  auto ended = wstest::collect(
      *on_b,
      [&](const std::vector<wstest::Frame>& frames) {
        return seen(frames, "groupcall_hangup", groupcall_id);
      },
      5s);
  ASSERT_TRUE(seen(ended, "call_hangup", leg)) << describe(ended);
  for (const auto& f : ended) {
    if (f.type == "call_hangup" && f.id == leg) {
      EXPECT_NE(data_field(f.raw, "hangup_reason"), "failed")
          << "a survivor ended the call of a node that was draining it: " << f.raw;
    }
  }
  auto survivor = scrape_metrics(b->port());
  EXPECT_EQ(survivor["chorus_cluster_resources_taken_over_total"], 0)
      << "B took over " << survivor["chorus_cluster_resources_taken_over_total"]
      << " live resources of a node that was draining them; A's output:\n"
      << a->out() << "\nstderr:\n"
      << a->err();
}

// PostgreSQL gone for longer than a lease: no node can tell whether the others
// took its calls over, so each lets go of what it runs (its legs hung up, nothing
// written); once PostgreSQL is back each claims its lease again and ends what the
// store still says it owns, the events reaching every node, and takes traffic.
TEST_F(NodeFailure, AStoreOutageLongerThanTheLeaseEndsTheCallsOnceItIsBackAndServiceResumes) {
  PostgresServer own;  // this test's alone: it is stopped
  postgres = own.create_database();
  auto a = leased_node("node-a");
  auto b = leased_node("node-b");
  auto on_b = wstest::open_client(b->port(), key_a, {wstest::topic(customer_a)});
  const auto ringing = ringing_leg(*a, *on_b, "desk@sim");
  const std::string &groupcall_id = ringing.first, &leg = ringing.second;
  ASSERT_FALSE(leg.empty());

  own.kill();
  EXPECT_TRUE(eventually(
      [&] { return scrape_metrics(a->port())["chorus_cluster_leases_lost_total"] == 1; }, 10s))
      << "A let go of its calls once it could not renew for a whole lease";
  EXPECT_EQ(client(*a, key_a)->get("/health").status, 503u);
  auto refused = client(*a, key_a)->post("/v1.0/groupcalls", R"({"source":{"type":"tel",
      "target":"+15550100"},"destinations":[{"type":"endpoint","target":"x@sim"}]})");
  EXPECT_EQ(refused.status, 503u) << refused.body;

  own.start();
  auto ended = wstest::collect(
      *on_b,
      [&](const std::vector<wstest::Frame>& frames) {
        return seen(frames, "call_hangup", leg) && seen(frames, "groupcall_hangup", groupcall_id);
      },
      20s);
  ASSERT_TRUE(seen(ended, "groupcall_hangup", groupcall_id)) << describe(ended);
  for (const auto& f : ended) {
    if (f.type == "call_hangup" && f.id == leg) {
      EXPECT_EQ(data_field(f.raw, "hangup_reason"), "failed") << f.raw;
    }
  }
  EXPECT_TRUE(
      eventually([&] { return scrape_metrics(a->port())["chorus_cluster_lease_held"] == 1; }, 10s));
  EXPECT_TRUE(eventually([&] { return client(*a, key_a)->get("/health").status == 200u; }, 10s));
  auto served = wstest::create_groupcall(a->port(), key_a, {"desk-2@sim"}, 300);
  EXPECT_EQ(served.status, 200u) << served.body;
  auto read = client(*b, key_a)->get("/v1.0/groupcalls/" + groupcall_id);
  EXPECT_EQ(field(read.body, "status"), "hangup") << read.body;
}

TEST_F(NodeFailure, TheLeaseFlagIsBoundedAndBelongsToANodeOfACluster) {
  const std::vector<std::string> cluster = {
      "--postgres", postgres, "--nats", NatsServer::shared().url(), "--node-id", "node-a"};
  for (const char* refused : {"499", "600001", "0", "x"}) {
    auto args = cluster;
    args.insert(args.end(), {"--lease-ms", refused});
    auto run = run_chorusd(args);
    EXPECT_TRUE(run.status.exited && run.status.code != 0)
        << "--lease-ms " << refused << ": " << run.status.to_string();
    EXPECT_NE(run.err.find("--lease-ms"), std::string::npos) << refused << ": " << run.err;
  }
  // Both bounds are taken: the node starts and holds its lease.
  for (const char* accepted : {"500", "600000"}) {
    auto bound =
        node("node-" + std::string(accepted), NatsServer::shared().url(), {"--lease-ms", accepted});
    auto held = wstest::metrics_when(
        bound->port(), [](Metrics& m) { return m["chorus_cluster_lease_held"] == 1; }, 5s);
    EXPECT_EQ(held["chorus_cluster_lease_held"], 1) << "--lease-ms " << accepted;
  }
  auto alone = run_chorusd({"--lease-ms", "1000"});
  EXPECT_TRUE(alone.status.exited && alone.status.code != 0) << alone.status.to_string();
  EXPECT_NE(alone.err.find("--lease-ms"), std::string::npos) << alone.err;
}

}  // namespace
}  // namespace chorus::test
