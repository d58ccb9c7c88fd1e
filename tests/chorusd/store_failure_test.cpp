// A store that cannot be written while chorusd runs: writes are refused with 503
// naming the cause, reads and /health go on answering, calls already running keep
// going, and once the fault clears chorusd writes again by itself and what
// happened meanwhile reaches the disk.
//
// The fault: RLIMIT_FSIZE of the running chorusd lowered to 0 with prlimit(2), so
// every write(2) to a regular file fails with EFBIG (chorusd ignores SIGXFSZ),
// which SQLite reports as an I/O error; raising the limit back clears it. This
// needs no privilege over a child of the same user and works as root, where a
// read-only directory would not stop anything (root passes permission checks).

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "store_fixture.hpp"

namespace chorus::test {
namespace {

class StoreFailure : public StoreApiTest {
 protected:
  void break_writes() {
    ASSERT_EQ(::prlimit(daemon->pid(), RLIMIT_FSIZE, nullptr, &saved_), 0);
    rlimit none{0, saved_.rlim_max};
    ASSERT_EQ(::prlimit(daemon->pid(), RLIMIT_FSIZE, &none, nullptr), 0);
  }
  void mend_writes() { ASSERT_EQ(::prlimit(daemon->pid(), RLIMIT_FSIZE, &saved_, nullptr), 0); }

  HttpResponse health() { return HttpClient(port()).get("/health"); }

  // The first destination's target of every groupcall, and of every call, listed.
  std::multiset<std::string> listed_targets() {
    std::multiset<std::string> targets;
    for (auto& item : ok(a->get("/v1.0/groupcalls"))["result"].GetArray()) {
      targets.insert(str(item["destinations"][0], "target"));
    }
    for (auto& item : ok(a->get("/v1.0/calls"))["result"].GetArray()) {
      targets.insert(str(item["destination"], "target"));
    }
    return targets;
  }

  rlimit saved_{};
};

TEST_F(StoreFailure, WritesAre503WhileReadsAndRunningCallsGoOnThenRecover) {
  auto before = create_groupcall(*a, groupcall_body({endpoint("early@sim;busy=0")}));
  await_groupcall(*a, str(before, "id"), has_status("hangup"));
  // Answers 700 ms after ringing and hangs up 200 ms later: both inside the fault.
  auto running = create_groupcall(*a, groupcall_body({endpoint("r@sim;answer=700;hangup=200")}));
  auto running_id = str(running, "id");
  auto leg = strings(running, "call_ids").at(0);
  await_call(*a, leg, has_status("ringing"));
  auto health_ok = health();
  EXPECT_EQ(health_ok.status, 200u);
  EXPECT_EQ(health_ok.body, R"({"status":"ok","store":"ok"})");

  break_writes();
  // The first write finds the fault at its commit; later ones are refused at once.
  auto refused = a->post("/v1.0/groupcalls", groupcall_body({endpoint("late@sim;busy=0")}));
  expect_error(refused, 503, "STORE_UNAVAILABLE", "store: I/O error");
  expect_error(a->post("/v1.0/groupcalls", groupcall_body({endpoint("later@sim;busy=0")})), 503,
               "STORE_UNAVAILABLE", "store: I/O error");
  expect_error(a->post("/v1.0/agents", agent_body("Refused", {endpoint("x@sim")})), 503,
               "STORE_UNAVAILABLE", "store: I/O error");
  ASSERT_EQ(str(call(*a, leg), "status"), "ringing") << "the fault came too late to prove anything";
  auto failing = health();
  EXPECT_EQ(failing.status, 503u) << failing.body;
  auto failing_json = parse_json(failing.body);
  EXPECT_EQ(str(failing_json, "status"), "failing");
  EXPECT_NE(str(failing_json, "store").find("store: I/O error"), std::string::npos) << failing.body;

  // Reads answer, and never run ahead of the disk: the running call still reads
  // as ringing, its last committed state.
  EXPECT_EQ(str(groupcall(*a, str(before, "id")), "status"), "hangup");
  auto listed = ids_of(ok(a->get("/v1.0/groupcalls")));
  EXPECT_NE(std::find(listed.begin(), listed.end(), running_id), listed.end());
  EXPECT_NE(std::find(listed.begin(), listed.end(), str(before, "id")), listed.end());
  ok(a->get("/v1.0/calls"));
  // Yet the call goes on: the engine counts it ended normally (answered, then
  // hung up by the far end), all inside the fault.
  const std::string ended_normally = R"(chorus_legs_ended_total{hangup_reason="normal"})";
  auto normal_before = metrics()[ended_normally];
  ASSERT_TRUE(eventually([&] { return metrics()[ended_normally] > normal_before; }, 10s));
  EXPECT_EQ(str(call(*a, leg), "status"), "ringing");
  // Still failing: the batch is retried, not dropped.
  EXPECT_EQ(health().status, 503u);
  EXPECT_GT(metrics()["chorus_store_failures_total"], 1.0);

  mend_writes();
  EXPECT_TRUE(eventually([&] { return health().status == 200u; }))
      << "the store never recovered: " << health().body;
  EXPECT_EQ(health().body, R"({"status":"ok","store":"ok"})");
  // What the call did meanwhile is committed now, and readable.
  auto ended = await_groupcall(*a, running_id, has_status("hangup"));
  EXPECT_EQ(str(ended, "answer_call_id"), leg);
  auto ended_leg = call(*a, leg);
  EXPECT_EQ(str(ended_leg, "hangup_reason"), "normal");
  EXPECT_EQ(str(ended_leg, "hangup_by"), "remote");
  auto during = bodies(*a, {"/v1.0/groupcalls/" + running_id, "/v1.0/calls/" + leg});
  auto after = create_groupcall(*a, groupcall_body({endpoint("after@sim;busy=0")}));
  EXPECT_EQ(str(after, "status"), "progressing");
  create_agent(*a, agent_body("Accepted", {endpoint("x@sim")}));

  // What happened during the fault was written once it cleared.
  restart();
  EXPECT_EQ(bodies(*a, {"/v1.0/groupcalls/" + running_id, "/v1.0/calls/" + leg}), during);
  EXPECT_EQ(str(groupcall(*a, str(after, "id")), "status"), "hangup");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/agents"))).size(), 1u) << "the refused agent was kept";
}

// A 503 tells the client the write was not made, and "STORE_UNAVAILABLE" invites a
// retry: a refused groupcall must not ring its destinations and then turn up in
// the lists (the retry would ring them twice), nor a refused agent come back.
// Each is the first write of its fault, the one that finds it at its commit.
TEST_F(StoreFailure, ARefusedWriteIsNeitherMadeNorKept) {
  create_groupcall(*a, groupcall_body({endpoint("before@sim;busy=0")}));
  for (auto& [path, body] :
       {std::pair{"/v1.0/groupcalls", groupcall_body({endpoint("refused@sim")})},
        std::pair{"/v1.0/agents", agent_body("Refused", {endpoint("x@sim")})}}) {
    SCOPED_TRACE(path);
    break_writes();
    expect_error(a->post(path, body), 503, "STORE_UNAVAILABLE", "store: ");
    mend_writes();
    ASSERT_TRUE(eventually([&] { return health().status == 200u; })) << health().body;
  }
  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(listed_targets().count("refused@sim"), 0u) << "the refused groupcall was made";
    EXPECT_EQ(listed_targets().count("before@sim;busy=0"), 2u);  // its groupcall and call
    EXPECT_EQ(ids_of(ok(a->get("/v1.0/agents"))).size(), 0u) << "the refused agent was made";
  };
  check("after the fault");
  restart();
  check("after a restart");
}

}  // namespace
}  // namespace chorus::test
