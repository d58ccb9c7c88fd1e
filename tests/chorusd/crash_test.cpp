// chorusd killed with SIGKILL in the middle of a burst of creates and hangups
// (--sync full, the contract): after a restart on the same --data-dir every
// acknowledged groupcall and call is there, in its acknowledged state or a later
// one, and nothing is left live: what the file still had live was ended by
// recovery (calls: hangup_reason "failed", hangup_by "local").

#include <gtest/gtest.h>

#include <condition_variable>

#include "store_fixture.hpp"

namespace chorus::test {
namespace {

// Forward-only status orders; a restart may move a resource on, never back.
int groupcall_rank(const std::string& status) {
  static const std::map<std::string, int> ranks{
      {"progressing", 0}, {"hangingup", 1}, {"hangup", 2}};
  auto found = ranks.find(status);
  return found == ranks.end() ? -1 : found->second;
}
int call_rank(const std::string& status) {
  static const std::map<std::string, int> ranks{{"dialing", 0},     {"ringing", 1},
                                                {"progressing", 2}, {"terminating", 3},
                                                {"canceling", 3},   {"hangup", 4}};
  auto found = ranks.find(status);
  return found == ranks.end() ? -1 : found->second;
}

// The last acknowledged (200) answer for each id, from every client thread.
class Acknowledged {
 public:
  void groupcall(const std::string& id, std::string json) { note(groupcalls_, id, json); }
  void call(const std::string& id, std::string json) { note(calls_, id, json); }
  // A call an acknowledged create named: it exists, in some state.
  void call_named(const std::string& id) {
    std::lock_guard<std::mutex> guard(mutex_);
    calls_.emplace(id, "");
  }
  std::size_t count() const { return count_.load(); }
  // Blocks until `n` answers were acknowledged or every client has given up.
  void await(std::size_t n, const std::atomic<int>& clients_left) {
    std::unique_lock<std::mutex> lock(mutex_);
    more_.wait(lock, [&] { return count_.load() >= n || clients_left.load() == 0; });
  }
  // After `clients_left` changed: under the lock, so a waiter cannot miss it.
  void wake() {
    { std::lock_guard<std::mutex> guard(mutex_); }
    more_.notify_all();
  }

  std::map<std::string, std::string> groupcalls_, calls_;

 private:
  void note(std::map<std::string, std::string>& into, const std::string& id, std::string json) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      into[id] = std::move(json);
      ++count_;
    }
    more_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable more_;
  std::atomic<std::size_t> count_{0};
};

class Crash : public StoreApiTest {
 protected:
  std::vector<std::string> store_flags() override { return {"--sync", "full"}; }

  // One client's burst, `rounds` times or until the connection breaks: create a
  // groupcall (one leg answering soon and hanging up, one ringing until ended); of
  // every three, hang up the ringing leg and the groupcall, only the leg, or nothing.
  void burst(int client, int rounds, Acknowledged& acked) {
    auto c = client_for(key_a);
    try {
      for (int i = 0; i < rounds; ++i) {
        auto answer_ms = std::to_string((client * 37 + i * 11) % 120);
        auto body = groupcall_body(
            {endpoint("k@sim;answer=" + answer_ms + ";hangup=" + answer_ms), endpoint("k2@sim")});
        auto created = c->post("/v1.0/groupcalls", body);
        if (created.status != 200u) continue;
        auto gc = parse_json(created.body);
        auto id = str(gc, "id");
        auto legs = strings(gc, "call_ids");
        acked.groupcall(id, created.body);
        for (auto& leg : legs) acked.call_named(leg);
        if (i % 3 == 2) continue;  // some are left as they are
        auto leg = c->post("/v1.0/calls/" + legs.at(1) + "/hangup");
        if (leg.status == 200u) acked.call(legs.at(1), leg.body);
        if (i % 3 == 1) continue;
        auto ended = c->post("/v1.0/groupcalls/" + id + "/hangup");
        if (ended.status == 200u) acked.groupcall(id, ended.body);
      }
    } catch (const std::exception&) {
      // The daemon was killed under this client: what was acknowledged is recorded.
    }
  }
};

TEST_F(Crash, KilledMidBurstKeepsEveryAcknowledgedWriteAndEndsWhatWasLive) {
  constexpr int clients = 4, rounds = 150;
  constexpr std::size_t kill_after = 250;  // of at most 4 x 150 x 3 answers
  Acknowledged acked;
  std::atomic<int> clients_left{clients};
  std::thread killer([&] {
    acked.await(kill_after, clients_left);
    daemon->signal(SIGKILL);
  });
  side_by_side(clients, [&](int client) {
    burst(client, rounds, acked);
    --clients_left;
    acked.wake();
  });
  killer.join();
  daemon->expect_clean_exit(false);
  auto status = daemon->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(status->signaled && status->signal == SIGKILL)
      << "the burst ended before the kill: " << status->to_string();
  ASSERT_GE(acked.count(), kill_after);

  // What the file holds, before anything runs on it again.
  std::set<std::string> stored_groupcalls, stored_calls, live_groupcalls, live_calls;
  {
    SqliteFile db(database());
    stored_groupcalls = db.ids("groupcalls");
    stored_calls = db.ids("calls");
    live_groupcalls = db.ids("groupcalls", "live = 1");
    live_calls = db.ids("calls", "live = 1");
  }
  EXPECT_FALSE(live_calls.empty()) << "nothing was live at the kill: the test proves little";

  a.reset();
  b.reset();
  daemon.reset();
  start();

  for (auto& [id, json] : acked.groupcalls_) {
    SCOPED_TRACE("groupcall " + id);
    EXPECT_TRUE(stored_groupcalls.count(id)) << "acknowledged but not in chorus.db";
    auto r = a->get("/v1.0/groupcalls/" + id);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto now = parse_json(r.body);
    auto then = parse_json(json);
    EXPECT_GE(groupcall_rank(str(now, "status")), groupcall_rank(str(then, "status")));
    EXPECT_EQ(str(now, "status"), "hangup") << "left live";
    EXPECT_EQ(str(now, "tm_create"), str(then, "tm_create"));
    EXPECT_EQ(strings(now, "call_ids"), strings(then, "call_ids"));
    if (str(then, "status") == "hangup") {
      EXPECT_EQ(r.body, json) << "an ended groupcall changed";
    }
  }
  for (auto& [id, json] : acked.calls_) {
    SCOPED_TRACE("call " + id);
    EXPECT_TRUE(stored_calls.count(id)) << "acknowledged but not in chorus.db";
    auto r = a->get("/v1.0/calls/" + id);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto now = parse_json(r.body);
    EXPECT_EQ(str(now, "status"), "hangup") << "left live";
    if (json.empty()) continue;
    auto then = parse_json(json);
    EXPECT_GE(call_rank(str(now, "status")), call_rank(str(then, "status")));
    if (str(then, "status") == "hangup") {
      EXPECT_EQ(r.body, json) << "an ended call changed";
    }
  }
  // What the file had live, acknowledged or not (a create may commit and die before
  // its answer leaves), was ended by recovery.
  for (auto& id : live_calls) {
    SCOPED_TRACE("call " + id);
    auto now = call(*a, id);
    EXPECT_EQ(str(now, "status"), "hangup");
    EXPECT_EQ(str(now, "hangup_reason"), "failed");
    EXPECT_EQ(str(now, "hangup_by"), "local");
    EXPECT_NE(str(now, "tm_hangup"), not_yet);
  }
  for (auto& id : live_groupcalls) {
    EXPECT_EQ(str(groupcall(*a, id), "status"), "hangup") << id;
  }
  // And recovery's ends are on disk too: a second restart changes nothing.
  SqliteFile db(database());
  EXPECT_EQ(db.integer("SELECT count(*) FROM groupcalls WHERE live = 1"), 0);
  EXPECT_EQ(db.integer("SELECT count(*) FROM calls WHERE live = 1"), 0);
}

}  // namespace
}  // namespace chorus::test
