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
//
// chorusd starts through the tests' harness (tests/support: ChorusdProcess, and
// its /metrics parser), so the soak and the suites run it the same way.

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
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "flag_number.hpp"
#include "tests/scratch_dir.hpp"
#include "tests/support/chorusd_process.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/ws_client.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using chorus::test::Headers;
using chorus::test::http_request;
using chorus::test::WsClient;

const std::string soak_key = "soak-key";
const std::string soak_customer = "50a50a50-0000-4000-8000-000000000050";

struct Options {
  std::string chorusd;  // empty: the harness's (CHORUSD_UNDER_TEST, else the one built here)
  long seconds = 180;
  long rest_workers = 4;
  long ws_workers = 2;
  long settle_s = 60;
  long rss_tolerance_mb = 12;
  long retained_groupcalls = 200;
  std::string store = "sqlite";  // chorusd's --store: sqlite (on a scratch dir) or memory
};

constexpr char usage[] =
    "bench_soak [--chorusd PATH] [--seconds S] [--rest-workers N] [--ws-workers N] "
    "[--settle-s S] [--rss-tolerance-mb M] [--retained-groupcalls N] [--store sqlite|memory]";

// ---- the daemon -----------------------------------------------------------------

// chorusd's flags for the soak: its key, its history bound and its store. With
// --store memory, retention by count is what bounds history; sqlite runs on a
// database of its own in `data_dir`.
std::vector<std::string> chorusd_flags(const Options& o, const std::string& data_dir) {
  return chorus::test::ChorusdProcess::on_free_port(
      {"--log-level", "warn", "--api-key", soak_key + "=" + soak_customer, "--retained-groupcalls",
       std::to_string(o.retained_groupcalls), "--store", o.store, "--data-dir", data_dir});
}

// The last `most` characters of `text`.
std::string tail(const std::string& text, std::size_t most = 4000) {
  return text.size() > most ? text.substr(text.size() - most) : text;
}

// chorusd listening, or null (and why on stderr) when it did not start.
std::unique_ptr<chorus::test::ChorusdProcess> start_chorusd(const Options& o,
                                                            const std::string& data_dir) {
  try {
    return std::make_unique<chorus::test::ChorusdProcess>(chorusd_flags(o, data_dir));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_soak: %s (%s)\n", e.what(), chorus::test::chorusd_path().c_str());
    return nullptr;
  }
}

std::string output_tail(const chorus::test::ChorusdProcess& daemon) {
  return "stdout:\n" + tail(daemon.out()) + "\nstderr:\n" + tail(daemon.err());
}

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
    auto answer = http_request(port_, "POST", "/v1.0/groupcalls", groupcall_body(rng_), auth());
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
  double live = 0;
  for (auto& [sample, value] : chorus::test::parse_metrics(answer.body)) {
    if (sample.rfind("chorus_groupcalls{", 0) == 0 || sample.rfind("chorus_calls{", 0) == 0) {
      live += value;
    }
  }
  return static_cast<long>(live);
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
  auto take = [&](std::string_view flag, const char* text) { return parse_flag(flag, text, o); };
  if (!chorus::bench::for_each_flag(argc, argv, take)) return std::nullopt;
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
  const auto o = chorus::bench::options_or_usage(argc, argv, parse_options, usage);
  // The harness runs what CHORUSD_UNDER_TEST names: --chorusd is that, said on the
  // command line.
  if (!o.chorusd.empty()) ::setenv("CHORUSD_UNDER_TEST", o.chorusd.c_str(), 1);
  chorus::test::ScratchDir data;
  auto running = start_chorusd(o, data.path());
  if (!running) return 1;
  auto& daemon = *running;
  auto port = daemon.port();
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
  auto exit = daemon.stop(30s);
  ok &= verdict("chorusd exited cleanly on SIGTERM:", exit.clean(), exit.to_string());
  if (!ok) std::printf("chorusd output (tail):\n%s\n", output_tail(daemon).c_str());
  return ok ? 0 : 1;
}
