// An idle chorusd does no work: no thread wakes on a fixed short tick while nothing
// is due (issue 19), with no timer pending or with one an hour away. Counted by
// context switches, which every wake-up costs, over a quiet window after start-up's
// polling has settled; a 10 ms tick anywhere would show as 200 or more.

#include <dirent.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/chorusd_process.hpp"
#include "tests/support/http_client.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

// Voluntary plus involuntary context switches of every thread of `pid`.
long context_switches(pid_t pid) {
  long total = 0;
  auto tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (!dir) return -1;
  while (auto* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream status(tasks + "/" + entry->d_name + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.find("ctxt_switches:") != std::string::npos) {
        total += std::stol(line.substr(line.find(':') + 1));
      }
    }
  }
  ::closedir(dir);
  return total;
}

void expect_idle(ChorusdProcess& daemon) {
  // Start-up's own work and CAF's first polling rounds end within a second.
  std::this_thread::sleep_for(1s);
  auto before = context_switches(daemon.pid());
  std::this_thread::sleep_for(2s);
  auto after = context_switches(daemon.pid());
  ASSERT_GE(before, 0);
  EXPECT_LT(after - before, 100) << "wake-ups in 2 s of idleness";
}

TEST(Idle, ChorusdInMemoryWakesRarely) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port({"--store", "memory"}));
  expect_idle(daemon);
}

TEST(Idle, ChorusdOnSqliteWakesRarely) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port({}));
  expect_idle(daemon);
}

// A conference's timeout is a timer on a supervisor's wheel for an hour: the
// supervisor must not run every millisecond until then.
TEST(Idle, ChorusdWithATimerAnHourAwayWakesRarely) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port({"--store", "memory"}));
  HttpClient client(daemon.port());
  client.default_headers = {{"Authorization", "Bearer " + daemon.dev_key()}};
  auto created = client.post("/v1.0/conferences", R"({"name":"later","timeout":3600})");
  ASSERT_EQ(created.status, 200u) << created.body;
  client.close();
  expect_idle(daemon);
}

}  // namespace
}  // namespace chorus::test
