// Graceful shutdown: SIGTERM or SIGINT with live ringing calls ends chorusd with
// exit status 0 promptly; --shutdown drain waits for live calls (up to
// --shutdown-timeout-ms) and stops accepting connections meanwhile.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

std::vector<std::string> daemon_flags(std::vector<std::string> extra = {}) {
  auto flags = api_key_flags();
  flags.insert(flags.end(), extra.begin(), extra.end());
  return ChorusdProcess::on_free_port(flags);
}

// Creates `n` groupcalls of three forever-ringing legs and waits until all ring.
void ring_many(std::uint16_t port, int n) {
  HttpClient c(port);
  c.default_headers = {{"Authorization", "Bearer " + key_a}};
  for (int i = 0; i < n; ++i) {
    auto r = c.post("/v1.0/groupcalls",
                    groupcall_body({endpoint("a@sim"), endpoint("b@sim"), endpoint("c@sim")}));
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  HttpClient anonymous(port);
  EXPECT_TRUE(eventually([&] {
    auto m = parse_metrics(anonymous.get("/metrics").body);
    return m["chorus_calls{status=\"ringing\"}"] == 3 * n;
  }));
}

void expect_exits_cleanly_after(ChorusdProcess& daemon, int signal) {
  auto started = Clock::now();
  daemon.signal(signal);
  auto status = daemon.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "chorusd still running 10 s after signal " << signal;
  EXPECT_TRUE(status->clean()) << status->to_string() << "\n" << daemon.err();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(10));
}

TEST(Shutdown, SigtermWithLiveRingingCallsExitsZero) {
  ChorusdProcess daemon(daemon_flags());
  ring_many(daemon.port(), 20);
  expect_exits_cleanly_after(daemon, SIGTERM);
  EXPECT_NE(daemon.out().find("shutting down"), std::string::npos) << daemon.out();
  EXPECT_NE(daemon.out().find("chorusd stopped"), std::string::npos) << daemon.out();
  EXPECT_FALSE(RawConnection::can_connect(daemon.port()));
}

TEST(Shutdown, SigintWithLiveRingingCallsExitsZero) {
  ChorusdProcess daemon(daemon_flags());
  ring_many(daemon.port(), 5);
  expect_exits_cleanly_after(daemon, SIGINT);
}

TEST(Shutdown, SigtermWithOpenConnectionsExitsZero) {
  ChorusdProcess daemon(daemon_flags());
  ring_many(daemon.port(), 2);
  // An idle kept-alive client, and one stalled mid-request, do not hold it up.
  HttpClient idle(daemon.port());
  ASSERT_EQ(idle.get("/health").status, 200u);
  RawConnection stalled(daemon.port());
  stalled.send("POST /v1.0/groupcalls HTTP/1.1\r\nContent-Length: 50\r\n\r\n{");
  expect_exits_cleanly_after(daemon, SIGTERM);
}

TEST(Shutdown, SignalRightAfterStartingExitsZero) {
  // The signal may come as soon as the listening line is out.
  for (int i = 0; i < 5; ++i) {
    ChorusdProcess daemon(daemon_flags());
    expect_exits_cleanly_after(daemon, SIGTERM);
  }
}

TEST(Shutdown, DrainWaitsForLiveCallsAndStopsAccepting) {
  ChorusdProcess daemon(daemon_flags({"--shutdown", "drain"}));
  HttpClient c(daemon.port());
  c.default_headers = {{"Authorization", "Bearer " + key_a}};
  auto created_at = Clock::now();
  auto r = c.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;answer=0;hangup=1000")}));
  ASSERT_EQ(r.status, 200u) << r.body;
  daemon.signal(SIGTERM);
  // While it drains it accepts no one.
  EXPECT_TRUE(eventually([&] { return !RawConnection::can_connect(daemon.port()); },
                         std::chrono::seconds(2)));
  auto status = daemon.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "chorusd did not finish draining";
  EXPECT_TRUE(status->clean()) << status->to_string() << "\n" << daemon.err();
  // It waited for the call to end by itself.
  EXPECT_GE(Clock::now() - created_at, std::chrono::milliseconds(900));
}

TEST(Shutdown, DrainGivesUpAfterTheShutdownTimeout) {
  ChorusdProcess daemon(daemon_flags({"--shutdown", "drain", "--shutdown-timeout-ms", "600"}));
  ring_many(daemon.port(), 3);
  auto started = Clock::now();
  daemon.signal(SIGTERM);
  auto status = daemon.wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->clean()) << status->to_string() << "\n" << daemon.err();
  auto took = Clock::now() - started;
  EXPECT_GE(took, std::chrono::milliseconds(550));  // it did wait...
  EXPECT_LT(took, std::chrono::seconds(5));         // ...but not for calls that never end
}

}  // namespace
}  // namespace chorus::test
