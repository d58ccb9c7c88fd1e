// Connections chorusd cannot or will not take: out of file descriptors it backs off
// instead of spinning on accept and logs a line a second, not megabytes; over
// --max-connections it answers 503 before reading the request; and a connection
// upgraded to WebSocket no longer counts against the HTTP cap.

#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <vector>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

// The file descriptors a process has open.
std::size_t open_fds(pid_t pid) {
  std::size_t count = 0;
  if (auto* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (auto* entry = ::readdir(dir)) count += entry->d_name[0] != '.';
    ::closedir(dir);
  }
  return count;
}

// The CPU time (user + system) a process has used so far.
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) start after the last ')'.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i < 14; ++i) rest >> field;  // state .. cmajflt: fields 3 to 13
  long long utime = 0, stime = 0;
  rest >> utime >> stime;
  return std::chrono::milliseconds((utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK));
}

// The end of a log, enough to see what it repeats.
std::string tail(const std::string& log) {
  return log.size() > 2000 ? "..." + log.substr(log.size() - 2000) : log;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

bool healthy(std::uint16_t port) {
  try {
    HttpClient probe(port, std::chrono::seconds(2));
    return probe.get("/health").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

std::string upgrade_request(const std::string& key) {
  return "GET /v1.0/ws?token=" + key +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

TEST(ConnectionLimits, OutOfFileDescriptorsTheAcceptLoopBacksOffAndRecovers) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port(
      {"--api-key", key_a + "=" + customer_a, "--log-level", "info", "--io-threads", "2"}));
  // A few descriptors to spare, then none: the connections below use them up.
  auto limit = open_fds(daemon.pid()) + 4;
  rlimit low{static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
  rlimit old{};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &old), 0);
  low.rlim_max = old.rlim_max;
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, &low, nullptr), 0);

  std::vector<std::unique_ptr<RawConnection>> hogs;
  for (std::size_t i = 0; i < 12; ++i)
    hogs.push_back(std::make_unique<RawConnection>(daemon.port()));
  ASSERT_TRUE(eventually([&] { return open_fds(daemon.pid()) >= limit; }))
      << open_fds(daemon.pid()) << " of " << limit << " descriptors open";
  ASSERT_TRUE(eventually([&] {
    return daemon.out().find("Too many open files") != std::string::npos;
  })) << daemon.out();

  // Accept keeps failing for as long as this lasts: the daemon must idle through it.
  auto cpu_before = cpu_time(daemon.pid());
  auto log_before = daemon.out().size() + daemon.err().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto cpu_used = cpu_time(daemon.pid()) - cpu_before;
  auto logged = daemon.out().size() + daemon.err().size() - log_before;
  EXPECT_LT(cpu_used.count(), 150) << "ms of CPU in 1.5 s out of descriptors";
  EXPECT_LT(logged, 1000u) << "bytes logged in 1.5 s out of descriptors:\n" << tail(daemon.out());
  // One line a second at most, however often accept was retried.
  EXPECT_LE(occurrences(daemon.out().substr(log_before), "accept failed"), 2u)
      << tail(daemon.out());

  // Descriptors come back: the queued connections and new ones are served again.
  hogs.clear();
  EXPECT_TRUE(eventually([&] { return healthy(daemon.port()); }, std::chrono::seconds(10)));
  EXPECT_TRUE(eventually([&] {
    return daemon.out().find("accepting again after") != std::string::npos;
  })) << tail(daemon.out());
}

// Debian's default soft limit of 1,024 descriptors would cap chorusd far below
// --max-connections: it raises its soft limit to the hard one at start.
TEST(ConnectionLimits, TheDescriptorLimitIsRaisedToTheHardLimit) {
  // The daemon inherits this process's limits: start it with a low soft limit.
  rlimit mine{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &mine), 0);
  ASSERT_GT(mine.rlim_max, 256u);
  rlimit low{256, mine.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  ChorusdProcess daemon(ChorusdProcess::on_free_port({"--api-key", key_a + "=" + customer_a}));
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &mine), 0);
  rlimit limit{};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &limit), 0);
  EXPECT_EQ(limit.rlim_cur, limit.rlim_max);
}

TEST(ConnectionLimits, OverTheCapA503IsTheWholeAnswer) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port(
      {"--api-key", key_a + "=" + customer_a, "--log-level", "warn", "--max-connections", "3"}));
  // Three connections: one idle, two that were served and are kept alive.
  std::vector<std::unique_ptr<RawConnection>> held;
  held.push_back(std::make_unique<RawConnection>(daemon.port()));
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<RawConnection>(daemon.port()));
    ASSERT_TRUE(held.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = held.back()->read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200u);
  }

  // The fourth gets 503 without having sent anything, and again with a request.
  for (bool sends : {false, true}) {
    SCOPED_TRACE(sends ? "with a request" : "silent");
    RawConnection over(daemon.port());
    if (sends) {
      ASSERT_TRUE(over.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    auto r = over.read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value()) << "no answer over the cap";
    expect_error(*r, 503, "TOO_MANY_CONNECTIONS", "at most 3 HTTP connections");
    EXPECT_FALSE(r->keep_alive);
    EXPECT_TRUE(over.closed_by_peer(std::chrono::seconds(5)));
  }

  // The connections within the cap are still served.
  ASSERT_TRUE(held[1]->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto still = held[1]->read_response(std::chrono::seconds(5));
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->status, 200u);

  // One leaves: a newcomer is served.
  held[0].reset();
  EXPECT_TRUE(eventually([&] { return healthy(daemon.port()); }));
}

TEST(ConnectionLimits, AnUpgradedConnectionLeavesTheHttpCount) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port(
      {"--api-key", key_a + "=" + customer_a, "--log-level", "warn", "--max-connections", "2"}));
  // More WebSockets than the HTTP cap, all open at once.
  std::vector<std::unique_ptr<RawConnection>> sockets;
  for (int i = 0; i < 4; ++i) {
    sockets.push_back(std::make_unique<RawConnection>(daemon.port()));
    ASSERT_TRUE(sockets.back()->send(upgrade_request(key_a)));
    auto r = sockets.back()->read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 101u) << "WebSocket " << i << ": " << r->body;
  }
  // HTTP still has its two connections, while the gateway holds all four WebSockets;
  // a third HTTP connection is over the cap.
  std::vector<std::unique_ptr<RawConnection>> http;
  for (int i = 0; i < 2; ++i) {
    http.push_back(std::make_unique<RawConnection>(daemon.port()));
    ASSERT_TRUE(http.back()->send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = http.back()->read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 200u) << "HTTP connection " << i;
    EXPECT_EQ(parse_metrics(r->body)["chorus_ws_connections"], 4);
  }
  RawConnection over(daemon.port());
  auto r = over.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(r.has_value());
  expect_error(*r, 503, "TOO_MANY_CONNECTIONS", "HTTP connections");
}

TEST(ConnectionLimits, MaxConnectionsIsAFlagAndAConfigSetting) {
  for (auto* bad : {"0", "-1", "x", "1000001"}) {
    SCOPED_TRACE(bad);
    auto run = run_chorusd({"--max-connections", bad});
    EXPECT_EQ(run.status.code, 2);
    EXPECT_NE(run.err.find("--max-connections"), std::string::npos) << run.err;
  }
  auto path = ::testing::TempDir() + "chorusd_max_connections.json";
  std::ofstream(path) << R"({"max_connections": 1, "api_keys": {")" << key_a << R"(": ")"
                      << customer_a << R"("}})";
  ChorusdProcess daemon(ChorusdProcess::on_free_port({"--config", path, "--log-level", "warn"}));
  RawConnection first(daemon.port());
  RawConnection second(daemon.port());
  auto r = second.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(r.has_value());
  expect_error(*r, 503, "TOO_MANY_CONNECTIONS", "at most 1 HTTP connection");
  EXPECT_NE(run_chorusd({"--help"}).out.find("--max-connections"), std::string::npos);
}

}  // namespace
}  // namespace chorus::test
