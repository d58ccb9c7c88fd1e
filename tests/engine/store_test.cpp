// The engine over a durable store: nothing leaves before its commit (events,
// answers to writes), commits group what queued meanwhile and coalesce a
// resource's changes, memory lets ended trees go to the store, a failing store
// refuses writes while reads and live calls go on, and recover() ends what a dead
// process left live. A FakeStore stands in for the disk, so that a commit can be
// held or failed at will.

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "engine_fixture.hpp"
#include "fake_store.hpp"
#include "model/json.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

EngineOptions threaded() {
  EngineOptions options;
  options.worker_threads = 2;
  options.store.retry_ms = 20;
  return options;
}

// Polls `condition` until it holds or `timeout` passes: what these tests wait for
// happens on the engine's and the store writer's threads.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class StoredEngine : public ::testing::Test {
 protected:
  StoredEngine() : store(std::make_shared<FakeStore>()), h(threaded(), store) {}
  // A failed assertion must not leave the engine's stop() waiting on the gate.
  ~StoredEngine() override {
    store->fail_with(std::nullopt);
    store->release();
  }

  // Starts a creation; the future is ready once the engine answers it.
  std::future<Result<Groupcall>> create_async(std::vector<Address> destinations) {
    auto answer = std::make_shared<std::promise<Result<Groupcall>>>();
    auto future = answer->get_future();
    h.engine.create_groupcall(h.request(std::move(destinations)),
                              [answer](Result<Groupcall> r) { answer->set_value(std::move(r)); });
    return future;
  }

  std::shared_ptr<FakeStore> store;
  SimulatedHarness h;
};

TEST_F(StoredEngine, ACreationIsAnsweredAndAnnouncedOnlyOnceCommitted) {
  store->hold();
  auto created = create_async({endpoint("a@sim;ring=10000")});
  ASSERT_TRUE(store->await_writes(1));
  // The commit is held: no answer, no event, however long we look.
  EXPECT_EQ(created.wait_for(50ms), std::future_status::timeout);
  EXPECT_EQ(h.log.size(), 0u);
  store->release();
  ASSERT_EQ(created.wait_for(5s), std::future_status::ready);
  auto groupcall = created.get();
  ASSERT_TRUE(groupcall.ok()) << groupcall.error().message;
  // What was answered is on the store.
  auto row = store->stored_groupcall(groupcall->id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(to_json(*row), to_json(*groupcall));
  ASSERT_TRUE(eventually([&] { return h.log.count(groupcall->id, EventType::groupcall_created); }));
}

TEST_F(StoredEngine, EveryEventCarriesAStateTheStoreAlreadyHolds) {
  // Checked inside the delivery itself: when a subscriber sees an event, the
  // store holds that snapshot (or a later one) of the resource.
  std::atomic<int> unseen{0};
  std::atomic<int> seen{0};
  auto sub = h.engine.subscribe_all([&](const Event& e) {
    ++seen;
    if (e.call()) {
      auto row = store->stored_call(e.resource_id());
      if (!row || !call_transition_allowed(e.call()->status, row->status) &&
                      row->status != e.call()->status) {
        ++unseen;
      }
    } else if (e.groupcall()) {
      if (!store->stored_groupcall(e.resource_id())) ++unseen;
    }
  });
  for (int i = 0; i < 20; ++i) {
    auto created = h.engine.create_groupcall(h.request(
        {endpoint("a@sim;ring=1;answer=2;hangup=5"), endpoint("b@sim;ring=1"), endpoint("c@sim")}));
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  ASSERT_TRUE(eventually([&] { return h.engine.stats().live_groupcalls == 0; }));
  h.engine.stop();
  EXPECT_GT(seen.load(), 20 * 8);
  EXPECT_EQ(unseen.load(), 0);
}

TEST_F(StoredEngine, WhatQueuesDuringACommitGoesIntoTheNextOneCoalesced) {
  store->hold();
  auto first = create_async({endpoint("a@sim;ring=10000")});
  ASSERT_TRUE(store->await_writes(1));
  // While the first commit is held, ten groupcalls of two legs each queue up.
  std::vector<std::future<Result<Groupcall>>> queued;
  for (int i = 0; i < 10; ++i) {
    queued.push_back(create_async({endpoint("b@sim;ring=1"), endpoint("c@sim;ring=1")}));
  }
  // Give their legs time to change state (dialing, ringing) inside the queue.
  auto ringing = static_cast<std::size_t>(CallStatus::ringing);
  ASSERT_TRUE(eventually([&] { return h.engine.stats().calls_by_status[ringing] >= 20; }));
  store->release();
  for (auto& f : queued) ASSERT_TRUE(f.get().ok());
  ASSERT_TRUE(eventually([&] { return store->batch_sizes().size() >= 2; }));
  auto batches = store->batch_sizes();
  // The second commit holds every row of the ten groupcalls (10 + 20 legs), each
  // once, though each leg changed more than once while it waited.
  EXPECT_EQ(batches[1], 30u);
  auto stats = h.engine.stats();
  EXPECT_GT(stats.store_changes, stats.store_rows);
}

TEST_F(StoredEngine, EndedTreesLeaveMemoryAndAreReadFromTheStore) {
  auto created = h.engine.create_groupcall(h.request({endpoint("a@sim;ring=1;answer=2;hangup=3")}));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(eventually([&] {
    auto g = h.engine.groupcall(h.customer, created->id);
    return g && g->status == GroupcallStatus::hangup;
  }));
  h.engine.stop();  // everything committed and let go
  auto g = h.engine.groupcall(h.customer, created->id);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(to_json(*g), to_json(*store->stored_groupcall(created->id)));
  auto call = h.engine.call(h.customer, created->call_ids[0]);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->hangup_reason, HangupReason::normal);
  EXPECT_EQ(h.engine.groupcalls(h.customer, 10).size(), 1u);
  EXPECT_EQ(h.engine.calls(h.customer, 10).size(), 1u);
  // Another customer sees nothing of it, as with a live one.
  EXPECT_FALSE(h.engine.groupcall(Uuid::generate(), created->id).ok());
}

TEST_F(StoredEngine, AFailingStoreRefusesWritesKeepsReadsAndRecoversWithoutARestart) {
  auto ringing = h.engine.create_groupcall(h.request({endpoint("a@sim;ring=1;answer=400")}));
  ASSERT_TRUE(ringing.ok());
  store->fail_with("store: disk full");
  // The next commit fails; from then on writes are refused, naming the cause.
  auto refused = create_async({endpoint("b@sim")}).get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_EQ(refused.error().message, "store: disk full");
  EXPECT_EQ(h.engine.store_fault(), std::optional<std::string>("store: disk full"));
  auto again = h.engine.create_groupcall(h.request({endpoint("c@sim")}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "store: disk full");
  // Reads go on, and so does the call that was ringing: it answers meanwhile.
  EXPECT_TRUE(h.engine.groupcall(h.customer, ringing->id).ok());
  ASSERT_TRUE(eventually([&] {
    return h.engine.call(h.customer, ringing->call_ids[0])->status == CallStatus::progressing;
  }));
  // Its answer is not announced before it is stored.
  EXPECT_EQ(h.log.count(ringing->call_ids[0], EventType::call_progressing), 0u);
  store->fail_with(std::nullopt);
  ASSERT_TRUE(eventually([&] { return !h.engine.store_fault(); }));
  ASSERT_TRUE(eventually(
      [&] { return h.log.count(ringing->call_ids[0], EventType::call_progressing) == 1; }));
  EXPECT_EQ(store->stored_call(ringing->call_ids[0])->status, CallStatus::progressing);
  EXPECT_TRUE(h.engine.create_groupcall(h.request({endpoint("d@sim")})).ok());
}

TEST_F(StoredEngine, DirectoryWritesAnswerOnceCommitted) {
  Agent agent;
  agent.customer_id = h.customer;
  agent.name = "Ada";
  agent.addresses = {endpoint("x@sim")};
  auto put = h.engine.put_agent(agent);
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(store->stored_agent(put->id).has_value());
  EXPECT_EQ(store->stored_agent(put->id)->name, "Ada");
  auto removed = h.engine.remove_agent(h.customer, put->id);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(store->stored_agent(put->id)->tm_delete.is_set());
  store->fail_with("store: read-only");
  auto refused = h.engine.put_agent(agent);
  // Refused at the door or by the failed commit: either way, no false yes.
  auto next = refused.ok() ? h.engine.put_agent(agent) : refused;
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().message, "store: read-only");
}

TEST(StoredEngineRecovery, RecoverEndsWhatADeadProcessLeftLiveAndRestoresTheDirectory) {
  auto store = std::make_shared<FakeStore>();
  Uuid customer = Uuid::generate();
  Agent agent;
  agent.id = Uuid::generate();
  agent.customer_id = customer;
  agent.addresses = {endpoint("x@sim")};
  store->put(agent);
  Groupcall live;
  live.id = Uuid::generate();
  live.customer_id = customer;
  live.status = GroupcallStatus::progressing;
  Call ringing;
  ringing.id = Uuid::generate();
  ringing.customer_id = customer;
  ringing.groupcall_id = live.id;
  ringing.status = CallStatus::ringing;
  live.call_ids = {ringing.id};
  store->put(live);
  store->put(ringing);

  EventLog log;
  Engine engine(std::make_shared<SimulatedLegDriver>(), threaded(), store);
  auto sub = engine.subscribe({"customer_id:" + customer.to_string()}, log.callback());
  ASSERT_TRUE(sub.ok());
  auto recovered = engine.recover();
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(recovered->agents, 1u);
  EXPECT_EQ(recovered->calls_ended, 1u);
  EXPECT_EQ(recovered->groupcalls_ended, 1u);

  auto call = engine.call(customer, ringing.id);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->status, CallStatus::hangup);
  EXPECT_EQ(call->hangup_reason, HangupReason::failed);
  EXPECT_EQ(call->hangup_by, HangupBy::local);
  EXPECT_TRUE(call->tm_hangup.is_set());
  EXPECT_EQ(engine.groupcall(customer, live.id)->status, GroupcallStatus::hangup);
  ASSERT_TRUE(eventually([&] { return log.size() == 2; }));
  EXPECT_EQ(log.types_of(ringing.id), std::vector<EventType>{EventType::call_hangup});
  EXPECT_EQ(log.types_of(live.id), std::vector<EventType>{EventType::groupcall_hangup});
  // The directory is back: a groupcall rings through the agent.
  EXPECT_TRUE(engine.agent(customer, agent.id).has_value());
  GroupcallRequest request;
  request.customer_id = customer;
  request.source = endpoint("caller");
  request.destinations = {agent_destination(agent.id)};
  auto created = engine.create_groupcall(request);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->groupcall_ids.size(), 1u);
}

TEST(StoredEngineStop, StopReturnsWithEveryChangeCommitted) {
  auto store = std::make_shared<FakeStore>();
  Engine engine(std::make_shared<SimulatedLegDriver>(), threaded(), store);
  Uuid customer = Uuid::generate();
  GroupcallRequest request;
  request.customer_id = customer;
  request.source = endpoint("caller");
  request.destinations = {endpoint("a@sim;ring=10000"), endpoint("b@sim;ring=10000")};
  auto created = engine.create_groupcall(request);
  ASSERT_TRUE(created.ok());
  engine.stop();
  EXPECT_EQ(store->stored_groupcall(created->id)->status, GroupcallStatus::hangup);
  for (auto& id : created->call_ids) {
    EXPECT_EQ(store->stored_call(id)->status, CallStatus::hangup);
  }
}

}  // namespace
}  // namespace chorus::test
