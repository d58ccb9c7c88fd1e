// Node leases on the PostgreSQL store (issue 20): two stores on one database as
// nodes "a" and "b" of a cluster, each with a short lease. A node restarting
// finds only its own live resources; while a node renews its lease nobody takes
// it over; once it stops, another node takes over exactly its live rows, in one
// transaction, and from then on every write of the node that stopped is fenced
// (refused whole) until it claims a new epoch. The same node id claimed again by
// a second store fences the first.
//
// Nothing here renews by itself: the failover thread that does in chorusd is not
// running, so a lease expires unless the test renews it.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/node_lease.hpp"
#include "store_contract.hpp"

namespace chorus::store_test {
namespace {

using test::PostgresServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Short, so that a test waits little for an expiry; long enough that renewing
// every lease_ms / 10 holds it on a loaded machine.
constexpr std::uint32_t lease_ms = 400;
// How long an expired lease may take to be seen: the lease, and room to spare.
constexpr auto expiry_deadline = 10s;

StoreOptions node_options(const std::string& url, const std::string& node_id) {
  StoreOptions options = options_in("", SyncMode::full);
  options.postgres_url = url;
  options.node_id = node_id;
  options.lease_ms = lease_ms;
  return options;
}

std::unique_ptr<PostgresStore> open_node(const std::string& url, const std::string& node_id) {
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(node_options(url, node_id));
  EXPECT_TRUE(store.ok()) << node_id << ": " << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

StoredState load(const PostgresStore& store) {
  Result<StoredState> state = store.load();
  EXPECT_TRUE(state.ok()) << (state.ok() ? "" : state.error().message);
  return state.ok() ? std::move(*state) : StoredState();
}

template <class Resource>
std::vector<Uuid> ids_of(const std::vector<Resource>& resources) {
  std::vector<Uuid> ids;
  for (const Resource& r : resources) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<Uuid> sorted(std::vector<Uuid> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Asks `lease` to take over an expired lease until it does or the deadline
// passes; what it took over, or nullopt (a test failure) when nothing expired.
std::optional<TakenOver> take_over_when_expired(NodeLease& lease) {
  const auto deadline = Clock::now() + expiry_deadline;
  for (;;) {
    Result<std::optional<TakenOver>> taken = lease.take_over_expired();
    EXPECT_TRUE(taken.ok()) << (taken.ok() ? "" : taken.error().message);
    if (taken.ok() && taken->has_value()) return std::move(**taken);
    if (Clock::now() >= deadline) {
      ADD_FAILURE() << "no lease expired within "
                    << std::chrono::duration_cast<std::chrono::seconds>(expiry_deadline).count()
                    << " s";
      return std::nullopt;
    }
    std::this_thread::sleep_for(20ms);
  }
}

// The rows of one node: a live groupcall with a ringing call, a live conference
// with a participant, and one of each ended.
struct NodeRows {
  Groupcall live_groupcall;
  Call live_call;
  Conference live_conference;
  Conferencecall live_participant;
  Groupcall ended_groupcall;
  Call ended_call;
  Conference ended_conference;
  Conferencecall ended_participant;

  explicit NodeRows(const Uuid& customer, std::int64_t offset) {
    live_groupcall = full_groupcall(customer, at(offset));
    live_call = full_call(customer, at(offset + 1));
    live_call.groupcall_id = live_groupcall.id;
    live_call.status = CallStatus::ringing;
    live_groupcall.call_ids = {live_call.id};
    live_conference = full_conference(customer, at(offset + 2));
    live_participant = full_conferencecall(customer, at(offset + 3), live_conference.id);
    live_conference.conferencecall_ids = {live_participant.id};

    ended_groupcall = full_groupcall(customer, at(offset + 4));
    ended_groupcall.status = GroupcallStatus::hangup;
    ended_call = full_call(customer, at(offset + 5));
    ended_call.groupcall_id = ended_groupcall.id;
    ended_call.status = CallStatus::hangup;
    ended_call.tm_hangup = at(offset + 6);
    ended_groupcall.call_ids = {ended_call.id};
    ended_conference = full_conference(customer, at(offset + 7));
    ended_conference.status = ConferenceStatus::terminated;
    ended_conference.conferencecall_ids.clear();
    ended_participant = full_conferencecall(customer, at(offset + 8), ended_conference.id);
    ended_participant.status = ConferencecallStatus::leaved;
  }

  std::vector<StoreRow> rows() const {
    return {row(live_groupcall),  row(live_call),  row(live_conference),  row(live_participant),
            row(ended_groupcall), row(ended_call), row(ended_conference), row(ended_participant)};
  }
};

void expect_unchanged(const PostgresStore& reader, const NodeRows& rows, const char* when) {
  Result<std::optional<Groupcall>> g = reader.groupcall(rows.live_groupcall.id);
  ASSERT_TRUE(g.ok() && g->has_value()) << when;
  EXPECT_EQ(**g, rows.live_groupcall) << when;
  Result<std::optional<Call>> c = reader.call(rows.live_call.id);
  ASSERT_TRUE(c.ok() && c->has_value()) << when;
  EXPECT_EQ(**c, rows.live_call) << when;
  Result<std::optional<Groupcall>> ended = reader.groupcall(rows.ended_groupcall.id);
  ASSERT_TRUE(ended.ok() && ended->has_value()) << when;
  EXPECT_EQ(**ended, rows.ended_groupcall) << when;
  Result<std::optional<Call>> ended_call = reader.call(rows.ended_call.id);
  ASSERT_TRUE(ended_call.ok() && ended_call->has_value()) << when;
  EXPECT_EQ(**ended_call, rows.ended_call) << when;
  Result<std::optional<Conference>> conference = reader.conference(rows.ended_conference.id);
  ASSERT_TRUE(conference.ok() && conference->has_value()) << when;
  EXPECT_EQ(**conference, rows.ended_conference) << when;
  Result<std::optional<Conferencecall>> participant =
      reader.conferencecall(rows.ended_participant.id);
  ASSERT_TRUE(participant.ok() && participant->has_value()) << when;
  EXPECT_EQ(**participant, rows.ended_participant) << when;
}

TEST(PostgresLease, OpeningAStoreClaimsItsNodesLeaseUnderANewEpoch) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  ASSERT_NE(a, nullptr);
  std::shared_ptr<NodeLease> lease = a->lease();
  ASSERT_NE(lease, nullptr) << "a store with a node id has a lease";
  EXPECT_EQ(lease->node_id(), "a");
  EXPECT_EQ(lease->duration(), std::chrono::milliseconds(lease_ms));
  EXPECT_GE(lease->epoch(), 1) << "claimed on open";
  Result<LeaseRenewal> renewed = lease->renew();
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(*renewed, LeaseRenewal::held);
}

TEST(PostgresLease, ANodesLiveRowsAreLoadedByItsRestartAndNotByAnotherNode) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  std::unique_ptr<PostgresStore> b = open_node(url, "b");
  ASSERT_TRUE(a && b);
  const Uuid customer = Uuid::generate();
  const NodeRows on_a(customer, 0);
  const Agent agent = full_agent(customer, at(100));
  std::vector<StoreRow> rows = on_a.rows();
  rows.push_back(row(agent));
  Status written = a->write(rows);
  ASSERT_TRUE(written.ok()) << written.error().message;

  RawPg raw(url);
  EXPECT_EQ(raw.one("SELECT owner_node FROM groupcalls WHERE id = '" +
                    on_a.live_groupcall.id.to_string() + "'"),
            "a");
  EXPECT_EQ(
      raw.one("SELECT owner_node FROM calls WHERE id = '" + on_a.live_call.id.to_string() + "'"),
      "a");

  // Node b runs none of it; the directory is every node's.
  const StoredState on_b = load(*b);
  EXPECT_TRUE(on_b.live_groupcalls.empty()) << "b loaded a's live groupcall";
  EXPECT_TRUE(on_b.live_calls.empty()) << "b loaded a's live call";
  EXPECT_TRUE(on_b.live_conferences.empty()) << "b loaded a's live conference";
  EXPECT_TRUE(on_b.live_conferencecalls.empty()) << "b loaded a's live participant";
  EXPECT_EQ(ids_of(on_b.agents), std::vector<Uuid>{agent.id});

  // Node a restarts (a new process, a new store under the same id): its live
  // resources, and only those, are its to end.
  a.reset();
  a = open_node(url, "a");
  ASSERT_NE(a, nullptr);
  const StoredState restarted = load(*a);
  ASSERT_EQ(restarted.live_groupcalls.size(), 1u);
  EXPECT_EQ(restarted.live_groupcalls.front(), on_a.live_groupcall);
  ASSERT_EQ(restarted.live_calls.size(), 1u);
  EXPECT_EQ(restarted.live_calls.front(), on_a.live_call);
  EXPECT_EQ(ids_of(restarted.live_conferences), std::vector<Uuid>{on_a.live_conference.id});
  EXPECT_EQ(ids_of(restarted.live_conferencecalls), std::vector<Uuid>{on_a.live_participant.id});
  EXPECT_EQ(ids_of(restarted.agents), std::vector<Uuid>{agent.id});
}

TEST(PostgresLease, WhileANodeRenewsItsLeaseNoOtherNodeTakesItOver) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  std::unique_ptr<PostgresStore> b = open_node(url, "b");
  ASSERT_TRUE(a && b);
  const NodeRows on_a(Uuid::generate(), 0);
  ASSERT_TRUE(a->write(on_a.rows()));
  std::shared_ptr<NodeLease> lease_a = a->lease();
  std::shared_ptr<NodeLease> lease_b = b->lease();
  ASSERT_TRUE(lease_a && lease_b);

  // Three whole leases, a renewing ten times a lease: had a's lease expired once,
  // b would have taken it over.
  const auto until = Clock::now() + 3 * std::chrono::milliseconds(lease_ms);
  int rounds = 0;
  while (Clock::now() < until) {
    Result<LeaseRenewal> renewed = lease_a->renew();
    ASSERT_TRUE(renewed.ok()) << renewed.error().message;
    ASSERT_EQ(*renewed, LeaseRenewal::held) << "round " << rounds;
    Result<std::optional<TakenOver>> taken = lease_b->take_over_expired();
    ASSERT_TRUE(taken.ok()) << taken.error().message;
    ASSERT_FALSE(taken->has_value()) << "b took over " << (*taken)->node_id
                                     << "'s lease while a renewed it (round " << rounds << ")";
    ++rounds;
    std::this_thread::sleep_for(std::chrono::milliseconds(lease_ms / 10));
  }
  EXPECT_GE(rounds, 5);
  Status written = a->write({row(on_a.live_groupcall)});
  EXPECT_TRUE(written.ok()) << written.error().message;
  expect_unchanged(*b, on_a, "after a renewed");
}

TEST(PostgresLease, OnceANodeStopsRenewingAnotherTakesOverItsLiveRowsAndFencesIt) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  std::unique_ptr<PostgresStore> b = open_node(url, "b");
  ASSERT_TRUE(a && b);
  std::shared_ptr<NodeLease> lease_a = a->lease();
  std::shared_ptr<NodeLease> lease_b = b->lease();
  ASSERT_TRUE(lease_a && lease_b);
  const Uuid customer = Uuid::generate();
  const NodeRows on_a(customer, 0);
  const NodeRows on_b(customer, 1000);
  ASSERT_TRUE(a->write(on_a.rows()));
  ASSERT_TRUE(b->write(on_b.rows()));
  const std::int64_t epoch_a = lease_a->epoch();

  // Neither renews, but only b looks for an expired lease: it finds a's.
  std::optional<TakenOver> taken = take_over_when_expired(*lease_b);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->node_id, "a");
  // a's live rows, whole; none of b's, and nothing that had ended.
  ASSERT_EQ(taken->left.live_groupcalls.size(), 1u);
  EXPECT_EQ(taken->left.live_groupcalls.front(), on_a.live_groupcall);
  ASSERT_EQ(taken->left.live_calls.size(), 1u);
  EXPECT_EQ(taken->left.live_calls.front(), on_a.live_call);
  ASSERT_EQ(taken->left.live_conferences.size(), 1u);
  EXPECT_EQ(taken->left.live_conferences.front(), on_a.live_conference);
  ASSERT_EQ(taken->left.live_conferencecalls.size(), 1u);
  EXPECT_EQ(taken->left.live_conferencecalls.front(), on_a.live_participant);

  // a learns it lost its lease.
  Result<LeaseRenewal> renewed = lease_a->renew();
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(*renewed, LeaseRenewal::lost);

  // Whatever a writes now is refused whole: neither its change to a row b now owns
  // nor a new row is kept.
  Groupcall stale = on_a.live_groupcall;
  stale.status = GroupcallStatus::hangup;
  stale.tm_update = at(5000);
  const Groupcall new_on_a = full_groupcall(customer, at(5001));
  Status fenced = a->write({row(stale), row(new_on_a)});
  ASSERT_FALSE(fenced.ok()) << "a wrote after b took over its lease";
  EXPECT_NE(fenced.error().message.find("fenced"), std::string::npos) << fenced.error().message;
  expect_unchanged(*b, on_a, "after a's fenced write");
  Result<std::optional<Groupcall>> absent = b->groupcall(new_on_a.id);
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_FALSE(absent->has_value()) << "a's fenced batch kept its new groupcall";

  // What a ran is b's now: b's restart would load it, a's would not.
  const StoredState now_b = load(*b);
  EXPECT_EQ(ids_of(now_b.live_groupcalls),
            sorted({on_a.live_groupcall.id, on_b.live_groupcall.id}));
  EXPECT_EQ(ids_of(now_b.live_calls), sorted({on_a.live_call.id, on_b.live_call.id}));
  EXPECT_EQ(ids_of(now_b.live_conferences),
            sorted({on_a.live_conference.id, on_b.live_conference.id}));
  EXPECT_EQ(ids_of(now_b.live_conferencecalls),
            sorted({on_a.live_participant.id, on_b.live_participant.id}));
  RawPg raw(url);
  EXPECT_EQ(raw.one("SELECT owner_node FROM groupcalls WHERE id = '" +
                    on_a.live_groupcall.id.to_string() + "'"),
            "b");

  // b ends what it took over, as the failover does; its writes go through.
  Groupcall ended_by_b = on_a.live_groupcall;
  ended_by_b.status = GroupcallStatus::hangup;
  ended_by_b.tm_update = at(6000);
  Call call_ended_by_b = on_a.live_call;
  call_ended_by_b.status = CallStatus::hangup;
  call_ended_by_b.hangup_reason = HangupReason::failed;
  call_ended_by_b.tm_update = call_ended_by_b.tm_hangup = at(6000);
  Status by_b = b->write({row(ended_by_b), row(call_ended_by_b)});
  ASSERT_TRUE(by_b.ok()) << by_b.error().message;
  Result<std::optional<Groupcall>> read = a->groupcall(ended_by_b.id);
  ASSERT_TRUE(read.ok() && read->has_value()) << "a still reads";
  EXPECT_EQ(**read, ended_by_b);

  // Nothing is left to take over: a's lease was taken once, b's own is not another's.
  Result<std::optional<TakenOver>> again = lease_b->take_over_expired();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->has_value()) << "a second takeover of " << (*again)->node_id;

  // a claims a new lease: a later epoch, and nothing of its own left live.
  Result<LeftLive> claimed = lease_a->claim();
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_GT(lease_a->epoch(), epoch_a);
  EXPECT_TRUE(claimed->live_groupcalls.empty());
  EXPECT_TRUE(claimed->live_calls.empty());
  EXPECT_TRUE(claimed->live_conferences.empty());
  EXPECT_TRUE(claimed->live_conferencecalls.empty());
  const StoredState now_a = load(*a);
  EXPECT_TRUE(now_a.live_groupcalls.empty() && now_a.live_calls.empty() &&
              now_a.live_conferences.empty() && now_a.live_conferencecalls.empty())
      << "a loads what b took over";
  renewed = lease_a->renew();
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(*renewed, LeaseRenewal::held);

  // Under its new epoch, a writes again; what b ended stays as b ended it.
  Status after_claim = a->write({row(new_on_a)});
  ASSERT_TRUE(after_claim.ok()) << after_claim.error().message;
  read = b->groupcall(new_on_a.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  read = b->groupcall(ended_by_b.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, ended_by_b);
}

// The nodes whose lease has not expired: those a directory change must reach.
TEST(PostgresLease, HoldersAreTheNodesWhoseLeaseHasNotExpired) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  std::unique_ptr<PostgresStore> b = open_node(url, "b");
  ASSERT_TRUE(a && b);
  Result<std::vector<std::string>> holders = a->lease()->holders();
  ASSERT_TRUE(holders.ok()) << holders.error().message;
  std::sort(holders->begin(), holders->end());
  EXPECT_EQ(*holders, (std::vector<std::string>{"a", "b"}));

  // a renews, b does not: once b's lease has expired, a alone holds one.
  const auto deadline = Clock::now() + expiry_deadline;
  for (;;) {
    Result<LeaseRenewal> renewed = a->lease()->renew();
    ASSERT_TRUE(renewed.ok() && *renewed == LeaseRenewal::held);
    holders = a->lease()->holders();
    ASSERT_TRUE(holders.ok()) << holders.error().message;
    if (*holders == std::vector<std::string>{"a"}) break;
    ASSERT_LT(Clock::now(), deadline) << "b's lease never expired";
    std::this_thread::sleep_for(std::chrono::milliseconds(lease_ms / 10));
  }
  // b claims again (a restart): it holds one again.
  ASSERT_TRUE(b->lease()->claim().ok());
  holders = b->lease()->holders();
  ASSERT_TRUE(holders.ok()) << holders.error().message;
  std::sort(holders->begin(), holders->end());
  EXPECT_EQ(*holders, (std::vector<std::string>{"a", "b"}));
}

// A node whose resources had all ended: its expired lease is taken over with
// nothing to end, and its ended rows stay as they were.
TEST(PostgresLease, EndedRowsAreNeverTakenOver) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> a = open_node(url, "a");
  std::unique_ptr<PostgresStore> b = open_node(url, "b");
  ASSERT_TRUE(a && b);
  const NodeRows on_a(Uuid::generate(), 0);
  ASSERT_TRUE(a->write({row(on_a.ended_groupcall), row(on_a.ended_call), row(on_a.ended_conference),
                        row(on_a.ended_participant)}));

  std::optional<TakenOver> taken = take_over_when_expired(*b->lease());
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->node_id, "a");
  EXPECT_TRUE(taken->left.live_groupcalls.empty()) << "an ended groupcall was taken over";
  EXPECT_TRUE(taken->left.live_calls.empty()) << "an ended call was taken over";
  EXPECT_TRUE(taken->left.live_conferences.empty()) << "a terminated conference was taken over";
  EXPECT_TRUE(taken->left.live_conferencecalls.empty()) << "a leaved participant was taken over";
  EXPECT_TRUE(load(*b).live_groupcalls.empty());
  Result<std::optional<Groupcall>> g = b->groupcall(on_a.ended_groupcall.id);
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ(**g, on_a.ended_groupcall);
  Result<std::optional<Call>> c = b->call(on_a.ended_call.id);
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ(**c, on_a.ended_call);
}

// The same node id claimed again (a second process started with it while the
// first still runs): the first one's writes are fenced and it learns it lost its
// lease; the second one runs what the first left live.
TEST(PostgresLease, ANodeIdClaimedAgainFencesTheStoreThatHeldItFirst) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> first = open_node(url, "a");
  ASSERT_NE(first, nullptr);
  const NodeRows on_a(Uuid::generate(), 0);
  ASSERT_TRUE(first->write(on_a.rows()));
  const std::int64_t first_epoch = first->lease()->epoch();

  std::unique_ptr<PostgresStore> second = open_node(url, "a");
  ASSERT_NE(second, nullptr);
  EXPECT_GT(second->lease()->epoch(), first_epoch);

  Groupcall stale = on_a.live_groupcall;
  stale.status = GroupcallStatus::hangup;
  Status fenced = first->write({row(stale)});
  ASSERT_FALSE(fenced.ok()) << "the first store wrote under a superseded epoch";
  EXPECT_NE(fenced.error().message.find("fenced"), std::string::npos) << fenced.error().message;
  expect_unchanged(*second, on_a, "after the first store's fenced write");
  Result<LeaseRenewal> renewed = first->lease()->renew();
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(*renewed, LeaseRenewal::lost);

  const StoredState state = load(*second);
  EXPECT_EQ(ids_of(state.live_groupcalls), std::vector<Uuid>{on_a.live_groupcall.id});
  EXPECT_EQ(ids_of(state.live_calls), std::vector<Uuid>{on_a.live_call.id});
  Status written = second->write({row(stale)});
  ASSERT_TRUE(written.ok()) << written.error().message;
  renewed = second->lease()->renew();
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_EQ(*renewed, LeaseRenewal::held);
}

}  // namespace
}  // namespace chorus::store_test
