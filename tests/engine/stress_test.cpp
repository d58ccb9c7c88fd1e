// The one test on CAF's real threaded scheduler: many groupcalls whose legs
// answer at the same few milliseconds. Whatever the threads do, each groupcall
// has exactly one answer and every leg ends exactly once.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

struct Tally {
  std::mutex mutex;
  std::map<Uuid, int> call_hangups;           // call id -> call_hangup events
  std::map<Uuid, HangupReason> reasons;       // call id -> final reason
  std::map<Uuid, int> groupcall_progressing;  // groupcall id -> events
  std::map<Uuid, int> groupcall_hangups;      // groupcall id -> events
  std::map<Uuid, Uuid> winners;               // groupcall id -> answer_call_id
  std::size_t call_hangup_total = 0;
  std::size_t groupcall_hangup_total = 0;
};

TEST(ThreadedStress, RacingAnswersOnRealThreads) {
  constexpr int groupcalls = 200;
  constexpr int legs = 5;
  EngineOptions options;
  options.worker_threads = 2;
  auto driver = std::make_shared<SimulatedLegDriver>();
  auto tally = std::make_shared<Tally>();
  EventLog log;
  Engine engine(driver, options);
  auto subscription = engine.subscribe_all([tally, record = log.callback()](const Event& e) {
    record(e);
    std::lock_guard<std::mutex> guard(tally->mutex);
    switch (e.type()) {
      case EventType::call_hangup:
        ++tally->call_hangups[e.resource_id()];
        tally->reasons[e.resource_id()] = e.call()->hangup_reason;
        ++tally->call_hangup_total;
        break;
      case EventType::groupcall_progressing:
        ++tally->groupcall_progressing[e.resource_id()];
        tally->winners[e.resource_id()] = e.groupcall()->answer_call_id;
        break;
      case EventType::groupcall_hangup:
        ++tally->groupcall_hangups[e.resource_id()];
        ++tally->groupcall_hangup_total;
        break;
      default:
        break;
    }
  });

  auto customer = Uuid::generate();
  struct Made {
    Groupcall groupcall;
    std::set<Uuid> answering;
  };
  std::vector<Made> made;
  for (int g = 0; g < groupcalls; ++g) {
    GroupcallRequest request;
    request.customer_id = customer;
    request.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    int answering = 2 + g % 2;  // 2 or 3 legs answer at the same moment
    for (int i = 0; i < legs; ++i) {
      auto target = i < answering ? "a" + std::to_string(i) + "@sim;answer=5;hangup=10"
                                  : "r" + std::to_string(i) + "@sim";
      request.destinations.push_back(Address{AddressType::endpoint, target, "", "", ""});
    }
    auto created = engine.create_groupcall(request);
    ASSERT_TRUE(created.ok()) << created.error().message;
    Made m{*created, {}};
    for (int i = 0; i < answering; ++i) m.answering.insert(created->call_ids[i]);
    made.push_back(std::move(m));
  }

  const std::size_t total_calls = groupcalls * legs;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto done = [&] {
    auto stats = engine.stats();
    if (stats.live_calls != 0 || stats.live_groupcalls != 0) return false;
    std::lock_guard<std::mutex> guard(tally->mutex);
    // A cancel can cross a simulated step already firing; that step's timer then
    // runs out on its own, so the driver's state drains a little later.
    return tally->call_hangup_total >= total_calls &&
           tally->groupcall_hangup_total >= static_cast<std::size_t>(groupcalls) &&
           driver->pending() == 0;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(done()) << "live calls " << engine.stats().live_calls << ", live groupcalls "
                      << engine.stats().live_groupcalls << ", simulated legs pending "
                      << driver->pending();

  std::lock_guard<std::mutex> guard(tally->mutex);
  EXPECT_EQ(tally->call_hangup_total, total_calls);
  EXPECT_EQ(tally->groupcall_hangup_total, static_cast<std::size_t>(groupcalls));
  for (auto& m : made) {
    auto& created = m.groupcall;
    auto gc = engine.groupcall(customer, created.id);
    ASSERT_TRUE(gc.ok());
    EXPECT_EQ(gc->status, GroupcallStatus::hangup);
    EXPECT_EQ(tally->groupcall_progressing[created.id], 1) << created.id.to_string();
    EXPECT_EQ(tally->groupcall_hangups[created.id], 1);
    auto winner = gc->answer_call_id;
    EXPECT_EQ(m.answering.count(winner), 1u) << "the winner must be a leg that answered";
    EXPECT_EQ(tally->winners[created.id], winner);
    int normal = 0;
    for (auto& call_id : created.call_ids) {
      EXPECT_EQ(tally->call_hangups[call_id], 1) << call_id.to_string();
      auto c = engine.call(customer, call_id);
      ASSERT_TRUE(c.ok());
      EXPECT_EQ(c->status, CallStatus::hangup);
      EXPECT_EQ(tally->reasons[call_id], c->hangup_reason);
      if (call_id == winner) {
        EXPECT_EQ(c->hangup_reason, HangupReason::normal);
        ++normal;
      } else if (m.answering.count(call_id) && c->hangup_by == HangupBy::remote) {
        // A losing leg that answered too: on a loaded machine its scripted hangup
        // (10 ms after its answer) can reach it before the groupcall's cancel does.
        // Its answer was not taken, so it still ends cancel, never normal.
        EXPECT_EQ(c->hangup_reason, HangupReason::cancel);
      } else {
        EXPECT_EQ(c->hangup_reason, HangupReason::cancel);
        EXPECT_EQ(c->hangup_by, HangupBy::local);
      }
    }
    EXPECT_EQ(normal, 1);
  }
  EXPECT_EQ(driver->dials(), total_calls);

  // Whatever the threads did, each resource's events came in its own order.
  std::map<Uuid, std::vector<EventRecord>> by_resource;
  for (auto& e : log.events()) by_resource[e.id].push_back(e);
  EXPECT_EQ(by_resource.size(), static_cast<std::size_t>(groupcalls * (legs + 1)));
  for (auto& [id, history] : by_resource) {
    if (history.front().kind == ResourceKind::call) {
      ASSERT_TRUE(valid_call_history(history)) << id.to_string();
    } else {
      ASSERT_TRUE(valid_groupcall_history(history)) << id.to_string();
    }
  }
}

}  // namespace
}  // namespace chorus::test
