// bench_rest_create: how fast chorusd creates groupcalls over its REST API.
//
// POSTs a bounded number of ring_all groupcalls of ten simulated destinations (one
// answers after 1 ms and hangs up 1 ms later, nine ring until they are cancelled)
// over C keep-alive connections, each sending a fixed share of the requests one at a
// time, and reports requests/s, p50/p99 latency and the answers that were not 200.
//
//   bench_rest_create --url http://127.0.0.1:PORT --key KEY
//                     [--requests N] [--connections C] [--threads T] [--timeout-s S]
//                     [--server-pid PID] [--conference-update ID]
//
// --conference-update sends PUT /v1.0/conferences/ID (an update that changes
// nothing) instead: sent to a node of a cluster that does not run the conference,
// it measures a forwarded operation (run_cluster_benchmarks.sh).
//
// --server-pid also reports that process's CPU over the run, per request answered
// (read from /proc): steadier than requests/s when other work shares the machine.
//
// Bounded by design: a loopback URL only, N requests in all, a 10 s limit on every
// read or write, and a deadline (--timeout-s, default 60) after which it stops and
// reports what it got. Exit status 0 only when every request was answered 200. The
// last line is "RESULT key=value ..." for scripts.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "flag_number.hpp"
#include "load/rest_requests.hpp"
#include "load/http_load_connection.hpp"
#include "load/io_threads.hpp"
#include "load/latency_log.hpp"
#include "load/loopback_url.hpp"
#include "load/process_cpu.hpp"

namespace {

using namespace chorus::bench;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::size_t destinations = 10;

struct Options {
  LoopbackUrl url;
  std::string key;
  std::size_t requests = 20000;
  std::size_t connections = 32;
  std::size_t threads = 1;
  long timeout_s = 60;
  long server_pid = 0;
  std::string conference_update;  // a conference's id: PUTs it instead
};

// A UUID's characters only: it goes into the request's path.
bool uuid_text(std::string_view text) {
  return text.size() == 36 && std::all_of(text.begin(), text.end(), [](char c) {
           return c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

HttpRequest load_request(const Options& o) {
  if (!o.conference_update.empty()) {
    return conference_update_request(o.url.host, o.url.port, o.key, o.conference_update);
  }
  return groupcall_request(o.url.host, o.url.port, o.key, destinations);
}

// One connection's fixed share of the requests, one after another, and what it
// saw; each connection owns its own, merged once at the end.
class Share : public LoadPlan {
 public:
  explicit Share(std::size_t count) : left_(count) { latencies.reserve(count); }

  Turn next(Clock::time_point) override { return {left_ > 0 ? Turn::send : Turn::stop}; }
  void answered(const HttpResponse& response, Clock::duration latency) override {
    latencies.add(latency);
    if (response.result_int() != 200) ++non_200;
    --left_;
  }
  // Not retried: the share's remaining requests, the unanswered one among them,
  // count as not sent.
  void broken() override {
    if (left_ == 0) return;
    ++transport_errors;
    not_sent += left_;
    left_ = 0;
  }

  LatencyLog latencies;  // of the answered requests
  std::size_t non_200 = 0;
  std::size_t transport_errors = 0;
  std::size_t not_sent = 0;

 private:
  std::size_t left_;
};

struct Outcome {
  Clock::duration elapsed{};
  bool timed_out = false;
  double server_cpu_s = -1;  // unknown without --server-pid
};

// Opens the connections, runs them on T threads, and returns when the last one has
// finished or the deadline has passed, whichever comes first.
Outcome run_load(const Options& o, std::vector<Share>& shares) {
  auto request = load_request(o);
  std::atomic<std::size_t> live{o.connections};
  std::promise<void> all_done;
  auto closed = [&] {
    if (--live == 0) all_done.set_value();
  };
  // Declared after what the connections refer to, so that connections still pending
  // after a deadline are destroyed (with the io_context) before it.
  net::io_context io(static_cast<int>(o.threads));
  tcp::endpoint endpoint(net::ip::make_address(o.url.host), o.url.port);
  Outcome outcome;
  auto server_cpu_before = cpu_seconds_of(o.server_pid);
  auto started = Clock::now();
  for (auto& share : shares) start_load_connection(io, endpoint, request, share, closed);
  IoThreads threads(io, o.threads);
  outcome.timed_out = all_done.get_future().wait_for(std::chrono::seconds(o.timeout_s)) ==
                      std::future_status::timeout;
  outcome.elapsed = Clock::now() - started;
  auto server_cpu_after = cpu_seconds_of(o.server_pid);
  if (server_cpu_before >= 0 && server_cpu_after >= 0) {
    outcome.server_cpu_s = server_cpu_after - server_cpu_before;
  }
  threads.stop();
  return outcome;
}

void report(const Options& o, std::vector<Share>& shares, const Outcome& outcome) {
  std::vector<LatencyLog> logs;
  std::size_t non_200 = 0, broken = 0, not_sent = 0;
  for (auto& s : shares) {
    logs.push_back(std::move(s.latencies));
    non_200 += s.non_200;
    broken += s.transport_errors;
    not_sent += s.not_sent;
  }
  auto all = LatencyLog::merged(logs);
  auto seconds = std::chrono::duration<double>(outcome.elapsed).count();
  auto per_s = static_cast<double>(all.size()) / seconds;
  auto p50 = all.percentile_ms(0.50), p99 = all.percentile_ms(0.99);
  const auto sent = load_request(o);
  std::printf("bench_rest_create: %s %s%s, %zu requests over %zu connections\n",
              std::string(sent.method_string()).c_str(), std::string(sent.target()).c_str(),
              o.conference_update.empty() ? " (ring_all, 10 destinations)" : "", o.requests,
              o.connections);
  std::printf("  answered      %zu in %.2f s%s\n", all.size(), seconds,
              outcome.timed_out ? " (deadline hit, run cut short)" : "");
  std::printf("  requests/s    %.0f\n", per_s);
  std::printf("  latency       p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50, p99, all.max_ms());
  std::printf("  non-200       %zu\n", non_200);
  std::printf("  broken conns  %zu (requests not sent: %zu)\n", broken, not_sent);
  auto server_cores = outcome.server_cpu_s >= 0 ? outcome.server_cpu_s / seconds : -1;
  auto server_us = outcome.server_cpu_s >= 0 && all.size() > 0
                       ? 1e6 * outcome.server_cpu_s / static_cast<double>(all.size())
                       : -1;
  if (server_cores >= 0) {
    std::printf("  server cpu    %.0f%% of one core, %.1f us per request answered (pid %ld)\n",
                100 * server_cores, server_us, o.server_pid);
  }
  std::printf(
      "RESULT requests=%zu answered=%zu requests_per_s=%.0f p50_ms=%.3f p99_ms=%.3f "
      "max_ms=%.3f non_200=%zu broken=%zu server_cpu=%.2f server_us_per_request=%.1f\n",
      o.requests, all.size(), per_s, p50, p99, all.max_ms(), non_200, broken, server_cores,
      server_us);
}

bool parse_flag(std::string_view flag, const char* text, Options& o) {
  long v = 0;
  if (flag == "--url") {
    auto url = parse_loopback_url(text, {"http"});
    return url && (o.url = *url, true);
  }
  if (flag == "--key") return o.key = text, !o.key.empty();
  if (flag == "--requests" && parse_number(text, 1, 10'000'000, v)) return o.requests = v, true;
  if (flag == "--connections" && parse_number(text, 1, 1000, v)) return o.connections = v, true;
  if (flag == "--threads" && parse_number(text, 1, 64, v)) return o.threads = v, true;
  if (flag == "--timeout-s" && parse_number(text, 1, 3600, v)) return o.timeout_s = v, true;
  if (flag == "--server-pid" && parse_number(text, 1, 1L << 30, v)) return o.server_pid = v, true;
  if (flag == "--conference-update" && uuid_text(text)) return o.conference_update = text, true;
  return false;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  auto take = [&](std::string_view flag, const char* value) { return parse_flag(flag, value, o); };
  if (!for_each_flag(argc, argv, take) || o.url.port == 0 || o.key.empty()) return std::nullopt;
  o.connections = std::min(o.connections, o.requests);
  return o;
}

}  // namespace

constexpr char usage[] =
    "bench_rest_create --url http://127.0.0.1:PORT --key KEY [--requests N] "
    "[--connections C] [--threads T] [--timeout-s S] [--server-pid PID] "
    "[--conference-update ID]";

int main(int argc, char** argv) {
  const auto o = options_or_usage(argc, argv, parse_options, usage);
  std::vector<Share> shares;
  shares.reserve(o.connections);
  for (std::size_t i = 0; i < o.connections; ++i) {
    // The first (N mod C) connections send one more, so the shares add up to N.
    shares.emplace_back(o.requests / o.connections + (i < o.requests % o.connections ? 1 : 0));
  }
  auto outcome = run_load(o, shares);
  std::size_t answered = 0, non_200 = 0;
  for (auto& s : shares) answered += s.latencies.size(), non_200 += s.non_200;
  report(o, shares, outcome);
  return !outcome.timed_out && non_200 == 0 && answered == o.requests ? 0 : 1;
}
