// bench_soak: a bounded soak of chorusd under mixed traffic, checking that it gives
// back what it took.
//
// Starts chorusd on 127.0.0.1:0, warms it up, takes a baseline of its RSS
// (/proc/<pid>/status VmRSS) and open file descriptors (/proc/<pid>/fd), then for
// --seconds (default 180) runs:
//   - REST workers, each looping over a weighted table of actions: create a ring_all
//     groupcall of 1-4 simulated destinations (answer+hangup, busy, reject, noanswer,
//     or ringing until cancelled or ring_timeout), hang up one of its groupcalls,
//     delete one, read one; every request on a fresh connection;
//   - WebSocket workers, each connecting a subscriber to its customer's groupcall
//     topic, reading for a while, and leaving with a closing handshake or by dropping
//     the connection.
// Then it waits for every call to end (GET /metrics), gives the allocator time to
// return freed pages, and prints RSS and fds at baseline, peak and end, the live
// calls left, and one verdict line each. Finally SIGTERM, and chorusd must exit 0.
//
//   bench_soak [--chorusd PATH] [--seconds S] [--rest-workers N] [--ws-workers N]
//              [--settle-s S] [--rss-tolerance-mb M] [--retained-groupcalls N]
//              [--store sqlite|memory]
//
// Bounded by design: loopback only, every request with a 10 s timeout, workers stop
// at the deadline, and every wait afterwards is capped by --settle-s. With --store
// sqlite (the default, chorusd's own) history goes to a database in a scratch
// directory and memory holds live calls only; with --store memory, ended groupcalls
// are kept readable up to --retained-groupcalls (default 200 here): that memory is
// by design, so the soak keeps it small and every ended groupcall past it must be
// freed. Exit status 0 only when every verdict holds.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "flag_number.hpp"
#include "tests/scratch_dir.hpp"
#include "ws_client.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using chorus::wstest::Headers;
using chorus::wstest::http_request;
using chorus::wstest::WsClient;
namespace http = chorus::wstest::http;

const std::string soak_key = "soak-key";
const std::string soak_customer = "50a50a50-0000-4000-8000-000000000050";

struct Options {
  std::string chorusd = CHORUSD_PATH;
  long seconds = 180;
  long rest_workers = 4;
  long ws_workers = 2;
  long settle_s = 60;
  long rss_tolerance_mb = 12;
  long retained_groupcalls = 200;
  std::string store = "sqlite";  // chorusd's --store: sqlite (on a scratch dir) or memory
};

// ---- the daemon -----------------------------------------------------------------

// chorusd as a child process; its output is drained by a thread (kept: the tail is
// printed when something goes wrong).
class Daemon {
 public:
  explicit Daemon(const Options& o) {
    std::vector<std::string> args{o.chorusd, "--listen", "127.0.0.1:0", "--log-level", "warn",
                                  "--api-key", soak_key + "=" + soak_customer,
                                  "--retained-groupcalls", std::to_string(o.retained_groupcalls),
                                  // With --store memory, retention by count is what
                                  // bounds history; sqlite runs on a database of its own.
                                  "--store", o.store, "--data-dir", data_.path()};
    start(args);
  }
  ~Daemon() {
    if (pid_ > 0) stop();
    if (drain_.joinable()) drain_.join();
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Reads output until the "listening" line; the port, or 0 if it never came.
  std::uint16_t await_port() {
    static const std::string marker = "chorusd listening on http://127.0.0.1:";
    char buffer[4096];
    while (output_.find(marker) == std::string::npos ||
           output_.find('\n', output_.find(marker)) == std::string::npos) {
      auto n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0;
      output_.append(buffer, static_cast<std::size_t>(n));
    }
    auto port = std::stoul(output_.substr(output_.find(marker) + marker.size()));
    drain_ = std::thread([this] { drain(); });
    return static_cast<std::uint16_t>(port);
  }

  pid_t pid() const { return pid_; }
  std::string output_tail() {
    std::lock_guard<std::mutex> guard(mutex_);
    return output_.size() > 4000 ? output_.substr(output_.size() - 4000) : output_;
  }

  // SIGTERM and a bounded wait (SIGKILL after 30 s); a description of the exit.
  std::string stop() {
    ::kill(pid_, SIGTERM);
    auto deadline = Clock::now() + 30s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return "killed after a 30 s timeout";
      }
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    if (WIFEXITED(status)) {
      exit_code_ = WEXITSTATUS(status);
      return "exited with " + std::to_string(exit_code_);
    }
    return "killed by signal " + std::to_string(WTERMSIG(status));
  }
  bool exited_cleanly() const { return pid_ <= 0 && exit_code_ == 0; }

 private:
  void start(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    auto parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the soak
      if (::getppid() != parent) ::_exit(127);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    fd_ = out[0];
  }

  void drain() {
    char buffer[4096];
    for (;;) {
      auto n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard<std::mutex> guard(mutex_);
      output_.append(buffer, static_cast<std::size_t>(n));
      if (output_.size() > 1'000'000) output_.erase(0, output_.size() - 100'000);
    }
    ::close(fd_);
  }

  chorus::test::ScratchDir data_;
  pid_t pid_ = -1;
  int fd_ = -1;
  int exit_code_ = -1;
  std::mutex mutex_;
  std::string output_;
  std::thread drain_;
};

// ---- what the process holds ---------------------------------------------------------

struct Footprint {
  long rss_kb = 0;
  long fds = 0;
};

long rss_kb_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

long fds_of(pid_t pid) {
  auto path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return -1;
  long count = 0;
  while (auto* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}

Footprint footprint_of(pid_t pid) {
  return {rss_kb_of(pid), fds_of(pid)};
}

// Samples the footprint every 100 ms while the load runs, keeping the peak.
class PeakSampler {
 public:
  explicit PeakSampler(pid_t pid) : pid_(pid), thread_([this] { run(); }) {}
  ~PeakSampler() { finish(); }
  Footprint finish() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  void run() {
    while (running_) {
      auto now = footprint_of(pid_);
      peak_.rss_kb = std::max(peak_.rss_kb, now.rss_kb);
      peak_.fds = std::max(peak_.fds, now.fds);
      std::this_thread::sleep_for(100ms);
    }
  }
  pid_t pid_;
  std::atomic<bool> running_{true};
  Footprint peak_;
  std::thread thread_;
};

// ---- what the workers did -------------------------------------------------------------

// Answers by action and HTTP status (0: no answer), shared by every worker.
class Tally {
 public:
  void count(const std::string& action, unsigned status) {
    std::lock_guard<std::mutex> guard(mutex_);
    ++answers_[{action, status}];
  }
  void add_ws(std::size_t sessions, std::size_t failed, std::size_t events) {
    ws_sessions_ += sessions;
    ws_failed_ += failed;
    ws_events_ += events;
  }
  // Answers no action may give: a 5xx, or none at all.
  std::size_t failures() const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::size_t n = ws_failed_;
    for (auto& [key, count] : answers_) {
      if (key.second == 0 || key.second >= 500) n += count;
    }
    return n;
  }
  void print() const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::printf("  REST answers (action status: count):");
    for (auto& [key, count] : answers_) {
      std::printf(" %s %u: %zu;", key.first.c_str(), key.second, count);
    }
    std::printf("\n  WebSocket subscribers: %zu sessions, %zu refused or failed, %zu events read\n",
                ws_sessions_.load(), ws_failed_.load(), ws_events_.load());
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::size_t> answers_;
  std::atomic<std::size_t> ws_sessions_{0}, ws_failed_{0}, ws_events_{0};
};

Headers auth() {
  return {{"Authorization", "Bearer " + soak_key}};
}

// ---- REST workers ---------------------------------------------------------------------

// What a simulated destination does; {} are filled with random delays in ms.
constexpr std::array<std::string_view, 6> destination_scripts{
    "answer={};hangup={}", "busy={}", "reject={}", "noanswer={}", "", "answer={};hangup={}"};

std::string fill_delays(std::string_view pattern, std::mt19937& rng) {
  std::uniform_int_distribution<int> delay(1, 1500);
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.substr(i, 2) == "{}") {
      out += std::to_string(delay(rng));
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::string groupcall_body(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> count(1, 4), script(0, destination_scripts.size() - 1);
  std::string body = R"({"source":{"type":"tel","target":"+15550100"},"destinations":[)";
  auto n = count(rng);
  for (std::size_t i = 0; i < n; ++i) {
    auto params = fill_delays(destination_scripts[script(rng)], rng);
    body += (i ? "," : "");
    body += R"({"type":"endpoint","target":"d)" + std::to_string(i) + "@sim" +
            (params.empty() ? "" : ";" + params) + R"("})";
  }
  // A short ring_timeout, so destinations that only ring end by themselves too.
  return body + R"(],"ring_method":"ring_all","ring_timeout":3})";
}

std::optional<std::string> id_in(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id") || !doc["id"].IsString()) {
    return std::nullopt;
  }
  return std::string(doc["id"].GetString(), doc["id"].GetStringLength());
}

// One REST worker: its own random stream and the groupcalls it created, at most
// `held_limit` of them (the oldest are forgotten; they end by themselves).
class RestWorker {
 public:
  RestWorker(std::uint16_t port, unsigned seed, Tally& tally)
      : port_(port), rng_(seed), tally_(tally) {}

  void run(Clock::time_point deadline) {
    // Weighted: creates dominate, so calls pile up and are then hung up or deleted.
    static constexpr std::array<int, 4> weights{5, 2, 2, 1};
    std::discrete_distribution<int> pick(weights.begin(), weights.end());
    while (Clock::now() < deadline) {
      switch (pick(rng_)) {
        case 0:
          create();
          break;
        case 1:
          act("hangup", "POST", "/hangup");
          break;
        case 2:
          act("delete", "DELETE", "");
          break;
        default:
          act("get", "GET", "");
          break;
      }
    }
  }

 private:
  static constexpr std::size_t held_limit = 256;

  void create() {
    auto answer =
        http_request(port_, "POST", "/v1.0/groupcalls", groupcall_body(rng_), auth());
    tally_.count("create", answer.status);
    if (answer.status != 200) return;
    if (auto id = id_in(answer.body)) held_.push_back(*id);
    if (held_.size() > held_limit) held_.pop_front();
  }

  // Acts on one of its groupcalls, chosen at random; deleting forgets it.
  void act(const std::string& action, const std::string& method, const std::string& suffix) {
    if (held_.empty()) return create();
    std::uniform_int_distribution<std::size_t> which(0, held_.size() - 1);
    auto at = held_.begin() + static_cast<std::ptrdiff_t>(which(rng_));
    auto answer = http_request(port_, method, "/v1.0/groupcalls/" + *at + suffix, "", auth());
    tally_.count(action, answer.status);
    if (method == "DELETE") held_.erase(at);
  }

  std::uint16_t port_;
  std::mt19937 rng_;
  Tally& tally_;
  std::deque<std::string> held_;
};

// ---- WebSocket workers ------------------------------------------------------------------

// Subscribers one after another: connect, subscribe, read for 20-500 ms, then close
// politely or (one in three) drop the connection.
void run_ws_worker(std::uint16_t port, unsigned seed, Tally& tally, Clock::time_point deadline) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> reading_ms(20, 500), polite(0, 2);
  const std::string subscribe =
      R"({"type":"subscribe","topics":["customer_id:)" + soak_customer + R"(:groupcall"]})";
  while (Clock::now() < deadline) {
    WsClient client(port, {"/v1.0/ws", auth(), 0, nullptr});
    if (client.connect() != 101 || !client.send(subscribe)) {
      tally.add_ws(1, 1, 0);
      continue;
    }
    std::size_t events = 0;
    auto until = Clock::now() + std::chrono::milliseconds(reading_ms(rng));
    while (Clock::now() < until) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (!client.read(std::max(left, 1ms))) break;
      ++events;
    }
    if (polite(rng) != 0) client.close();  // else the destructor drops the connection
    tally.add_ws(1, 0, events);
  }
}

// ---- after the load ----------------------------------------------------------------------

// Live groupcalls plus live calls, summed from GET /metrics' gauges; -1 without an answer.
long live_in_metrics(std::uint16_t port) {
  auto answer = http_request(port, "GET", "/metrics");
  if (answer.status != 200) return -1;
  std::istringstream lines(answer.body);
  std::string line;
  long live = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("chorus_groupcalls{", 0) == 0 || line.rfind("chorus_calls{", 0) == 0) {
      live += std::strtol(line.c_str() + line.rfind(' ') + 1, nullptr, 10);
    }
  }
  return live;
}

// Polls `done` every 250 ms until it holds or the deadline passes.
template <class Done>
bool poll_until(Clock::time_point deadline, Done done) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(250ms);
  }
  return true;
}

// A little traffic of every kind, so the baseline includes what the first use of each
// path allocates once (thread caches, buffers, the supervisor shards' wheels).
void warm_up(std::uint16_t port, Tally& tally) {
  auto deadline = Clock::now() + 2s;
  RestWorker(port, 1, tally).run(deadline);
  run_ws_worker(port, 2, tally, Clock::now() + 500ms);
}

// ---- main ------------------------------------------------------------------------------

using chorus::bench::parse_number;

bool parse_flag(std::string_view flag, const char* text, Options& o) {
  if (flag == "--chorusd") return o.chorusd = text, true;
  if (flag == "--seconds") return parse_number(text, 1, 24 * 3600, o.seconds);
  if (flag == "--rest-workers") return parse_number(text, 0, 64, o.rest_workers);
  if (flag == "--ws-workers") return parse_number(text, 0, 64, o.ws_workers);
  if (flag == "--settle-s") return parse_number(text, 1, 3600, o.settle_s);
  if (flag == "--rss-tolerance-mb") return parse_number(text, 0, 100000, o.rss_tolerance_mb);
  if (flag == "--retained-groupcalls") {
    return parse_number(text, 0, 100000000, o.retained_groupcalls);
  }
  if (flag == "--store") {
    o.store = text;
    return o.store == "sqlite" || o.store == "memory";
  }
  return false;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  if (argc % 2 == 0) return std::nullopt;  // a flag without its value
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!parse_flag(argv[i], argv[i + 1], o)) return std::nullopt;
  }
  return o;
}

void run_load(const Options& o, std::uint16_t port, Tally& tally) {
  auto deadline = Clock::now() + std::chrono::seconds(o.seconds);
  std::vector<std::thread> workers;
  for (long i = 0; i < o.rest_workers; ++i) {
    workers.emplace_back([&, i] { RestWorker(port, 100 + i, tally).run(deadline); });
  }
  for (long i = 0; i < o.ws_workers; ++i) {
    workers.emplace_back([&, i] { run_ws_worker(port, 200 + i, tally, deadline); });
  }
  for (auto& w : workers) w.join();
}

double mb(long kb) {
  return static_cast<double>(kb) / 1024.0;
}

void print_footprint(const char* when, Footprint f) {
  std::printf("  %-22s RSS %7.1f MB   fds %4ld\n", when, mb(f.rss_kb), f.fds);
}

bool verdict(const char* what, bool held, const std::string& detail) {
  std::printf("  %-34s %s (%s)\n", what, held ? "yes" : "NO", detail.c_str());
  return held;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: bench_soak [--chorusd PATH] [--seconds S] [--rest-workers N] "
                 "[--ws-workers N] [--settle-s S] [--rss-tolerance-mb M] "
                 "[--retained-groupcalls N] [--store sqlite|memory]\n");
    return 2;
  }
  const auto& o = *options;
  Daemon daemon(o);
  auto port = daemon.await_port();
  if (port == 0) {
    std::fprintf(stderr, "chorusd did not start:\n%s\n", daemon.output_tail().c_str());
    return 1;
  }
  std::printf(
      "bench_soak: chorusd pid %d on 127.0.0.1:%u, %ld s, %ld REST + %ld WebSocket "
      "workers, --retained-groupcalls %ld\n",
      static_cast<int>(daemon.pid()), port, o.seconds, o.rest_workers, o.ws_workers,
      o.retained_groupcalls);
  auto started = footprint_of(daemon.pid());
  Tally warm_tally, tally;
  warm_up(port, warm_tally);
  auto settle_deadline = [&] { return Clock::now() + std::chrono::seconds(o.settle_s); };
  poll_until(settle_deadline(), [&] { return live_in_metrics(port) == 0; });
  auto baseline = footprint_of(daemon.pid());

  Footprint peak;
  {
    PeakSampler sampler(daemon.pid());
    run_load(o, port, tally);
    peak = sampler.finish();
  }
  long live = -1;
  auto calls_ended =
      poll_until(settle_deadline(), [&] { return (live = live_in_metrics(port)) == 0; });
  // Freed pages go back to the OS after the allocator's decay time (jemalloc: ~10 s).
  auto rss_limit = baseline.rss_kb + o.rss_tolerance_mb * 1024;
  // The SQLite store opens connections as load asks for them and keeps them: up to
  // 4 pooled readers and the checkpointer, each holding the database and its WAL.
  // Bounded, so not a leak: past that, any descriptor left open is one.
  const long fd_limit = baseline.fds + (o.store == "sqlite" ? 2 * 5 : 0);
  Footprint end;
  poll_until(settle_deadline(), [&] {
    end = footprint_of(daemon.pid());
    return end.rss_kb <= rss_limit && end.fds <= fd_limit;
  });

  std::printf("figures:\n");
  print_footprint("at start", started);
  print_footprint("baseline (warmed up)", baseline);
  print_footprint("peak", peak);
  print_footprint("end (calls ended)", end);
  tally.print();
  std::printf("verdicts:\n");
  bool ok = true;
  ok &= verdict("no call stayed live:", calls_ended,
                std::to_string(live) + " live groupcalls + calls in /metrics");
  ok &= verdict("RSS returned near baseline:", end.rss_kb <= rss_limit,
                "end - baseline = " + std::to_string((end.rss_kb - baseline.rss_kb) / 1024) +
                    " MB, tolerance " + std::to_string(o.rss_tolerance_mb) + " MB");
  ok &= verdict("fds returned to baseline:", end.fds <= fd_limit,
                std::to_string(end.fds) + " vs " + std::to_string(baseline.fds) +
                    (fd_limit > baseline.fds
                         ? " (+" + std::to_string(fd_limit - baseline.fds) + " pooled store)"
                         : std::string()));
  auto failures = tally.failures();
  ok &= verdict("every request answered, no 5xx:", failures == 0,
                std::to_string(failures) + " failed");
  auto how = daemon.stop();
  ok &= verdict("chorusd exited cleanly on SIGTERM:", daemon.exited_cleanly(), how);
  if (!ok) std::printf("chorusd output (tail):\n%s\n", daemon.output_tail().c_str());
  return ok ? 0 : 1;
}
