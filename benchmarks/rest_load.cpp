// bench_rest_create: how fast chorusd creates groupcalls over its REST API.
//
// POSTs a bounded number of ring_all groupcalls of ten simulated destinations (one
// answers after 1 ms and hangs up 1 ms later, nine ring until they are cancelled)
// over C keep-alive connections, each sending a fixed share of the requests one at a
// time, and reports requests/s, p50/p99 latency and the answers that were not 200.
//
//   bench_rest_create --url http://127.0.0.1:PORT --key KEY
//                     [--requests N] [--connections C] [--threads T] [--timeout-s S]
//
// Bounded by design: a loopback URL only, N requests in all, a 10 s limit on every
// read or write, and a deadline (--timeout-s, default 60) after which it stops and
// reports what it got. Exit status 0 only when every request was answered 200.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include "flag_number.hpp"

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto io_timeout = std::chrono::seconds(10);
constexpr std::size_t losers = 9;

struct Options {
  std::string host;
  unsigned short port = 0;
  std::string key;
  std::size_t requests = 20000;
  std::size_t connections = 32;
  std::size_t threads = 1;
  long timeout_s = 60;
};

// What one connection saw; each connection owns its own, merged once at the end.
struct Tally {
  std::vector<Clock::duration> latencies;  // of the answered requests
  std::size_t non_200 = 0;
  std::size_t transport_errors = 0;
  std::size_t not_sent = 0;
};

std::string groupcall_body() {
  std::string body = R"({"source":{"type":"tel","target":"+15550100"},"destinations":[)"
                     R"({"type":"endpoint","target":"w@sim;answer=1;hangup=1"})";
  for (std::size_t i = 0; i < losers; ++i) body += R"(,{"type":"endpoint","target":"l@sim"})";
  return body + R"(],"ring_method":"ring_all"})";
}

http::request<http::string_body> groupcall_request(const Options& o) {
  http::request<http::string_body> request{http::verb::post, "/v1.0/groupcalls", 11};
  request.set(http::field::host, o.host + ":" + std::to_string(o.port));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + o.key);
  request.keep_alive(true);
  request.body() = groupcall_body();
  request.prepare_payload();
  return request;
}

// One keep-alive connection sending its share of the requests one after another.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, const http::request<http::string_body>& request,
             std::size_t count, Tally& tally, std::function<void()> done)
      : stream_(net::make_strand(io)),
        request_(request),
        left_(count),
        tally_(tally),
        done_(std::move(done)) {
    tally_.latencies.reserve(count);
  }
  ~Connection() { done_(); }

  void start(const tcp::endpoint& endpoint) {
    stream_.expires_after(io_timeout);
    stream_.async_connect(endpoint,
                          beast::bind_front_handler(&Connection::on_connect, shared_from_this()));
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return give_up();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    send();
  }

  void send() {
    if (left_ == 0) return close();
    sent_at_ = Clock::now();
    stream_.expires_after(io_timeout);
    http::async_write(stream_, request_,
                      beast::bind_front_handler(&Connection::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return give_up();
    response_ = {};
    http::async_read(stream_, buffer_, response_,
                     beast::bind_front_handler(&Connection::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return give_up();
    tally_.latencies.push_back(Clock::now() - sent_at_);
    if (response_.result() != http::status::ok) ++tally_.non_200;
    --left_;
    if (!response_.keep_alive()) return give_up();  // the server closed on us
    send();
  }

  // A broken connection is not retried: its remaining requests count as not sent.
  void give_up() {
    if (left_ > 0) {
      ++tally_.transport_errors;
      tally_.not_sent += left_;
      left_ = 0;
    }
    close();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  const http::request<http::string_body>& request_;
  http::response<http::string_body> response_;
  Clock::time_point sent_at_;
  std::size_t left_;
  Tally& tally_;
  std::function<void()> done_;
};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

Clock::duration percentile(std::vector<Clock::duration>& sorted, double p) {
  if (sorted.empty()) return {};
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

Tally merge(std::vector<Tally>& tallies) {
  Tally all;
  for (auto& t : tallies) {
    all.latencies.insert(all.latencies.end(), t.latencies.begin(), t.latencies.end());
    all.non_200 += t.non_200;
    all.transport_errors += t.transport_errors;
    all.not_sent += t.not_sent;
  }
  std::sort(all.latencies.begin(), all.latencies.end());
  return all;
}

void report(const Options& o, Tally all, Clock::duration elapsed, bool timed_out) {
  auto answered = all.latencies.size();
  std::printf(
      "bench_rest_create: POST /v1.0/groupcalls (ring_all, %zu destinations), %zu requests "
      "over %zu connections\n",
      losers + 1, o.requests, o.connections);
  std::printf("  answered      %zu in %.2f s%s\n", answered,
              std::chrono::duration<double>(elapsed).count(),
              timed_out ? " (deadline hit, run cut short)" : "");
  std::printf("  requests/s    %.0f\n",
              static_cast<double>(answered) / std::chrono::duration<double>(elapsed).count());
  std::printf("  latency       p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              ms(percentile(all.latencies, 0.50)), ms(percentile(all.latencies, 0.99)),
              ms(all.latencies.empty() ? Clock::duration{} : all.latencies.back()));
  std::printf("  non-200       %zu\n", all.non_200);
  std::printf("  broken conns  %zu (requests not sent: %zu)\n", all.transport_errors, all.not_sent);
}

using chorus::bench::parse_number;

// Accepts http://127.0.0.1:PORT (an optional trailing slash); nothing off loopback.
bool parse_url(std::string_view url, Options& o) {
  constexpr std::string_view prefix = "http://127.0.0.1:";
  if (url.substr(0, prefix.size()) != prefix) return false;
  std::string port(url.substr(prefix.size()));
  if (!port.empty() && port.back() == '/') port.pop_back();
  long value = 0;
  if (!parse_number(port.c_str(), 1, 65535, value)) return false;
  o.host = "127.0.0.1";
  o.port = static_cast<unsigned short>(value);
  return true;
}

bool parse_flag(std::string_view flag, const char* text, Options& o) {
  long v = 0;
  if (flag == "--url") return parse_url(text, o);
  if (flag == "--key") return o.key = text, !o.key.empty();
  if (flag == "--requests" && parse_number(text, 1, 10'000'000, v)) return o.requests = v, true;
  if (flag == "--connections" && parse_number(text, 1, 1000, v)) return o.connections = v, true;
  if (flag == "--threads" && parse_number(text, 1, 64, v)) return o.threads = v, true;
  if (flag == "--timeout-s" && parse_number(text, 1, 3600, v)) return o.timeout_s = v, true;
  return false;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  if (argc % 2 == 0) return std::nullopt;  // a flag without its value
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!parse_flag(argv[i], argv[i + 1], o)) return std::nullopt;
  }
  if (o.port == 0 || o.key.empty()) return std::nullopt;
  o.connections = std::min(o.connections, o.requests);
  return o;
}

struct Outcome {
  Clock::duration elapsed{};
  bool timed_out = false;
};

// Opens the connections, runs them on T threads, and returns when the last one has
// finished or the deadline has passed, whichever comes first.
Outcome run_load(const Options& o, std::vector<Tally>& tallies) {
  auto request = groupcall_request(o);
  std::atomic<std::size_t> live{o.connections};
  std::promise<void> all_done;
  auto done = [&] {
    if (--live == 0) all_done.set_value();
  };
  // Declared after what the connections refer to, so that connections still pending
  // after a deadline are destroyed (with the io_context) before it.
  net::io_context io(static_cast<int>(o.threads));
  tcp::endpoint endpoint(net::ip::make_address(o.host), o.port);
  Outcome outcome;
  auto started = Clock::now();
  for (std::size_t i = 0; i < o.connections; ++i) {
    // The first (N mod C) connections send one more, so the shares add up to N.
    auto share = o.requests / o.connections + (i < o.requests % o.connections ? 1 : 0);
    std::make_shared<Connection>(io, request, share, tallies[i], done)->start(endpoint);
  }
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < o.threads; ++i) pool.emplace_back([&io] { io.run(); });
  outcome.timed_out = all_done.get_future().wait_for(std::chrono::seconds(o.timeout_s)) ==
                      std::future_status::timeout;
  outcome.elapsed = Clock::now() - started;
  io.stop();
  for (auto& t : pool) t.join();
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: bench_rest_create --url http://127.0.0.1:PORT --key KEY [--requests N] "
                 "[--connections C] [--threads T] [--timeout-s S]\n");
    return 2;
  }
  std::vector<Tally> tallies(options->connections);
  auto outcome = run_load(*options, tallies);
  auto all = merge(tallies);
  bool clean = !outcome.timed_out && all.non_200 == 0 && all.latencies.size() == options->requests;
  report(*options, std::move(all), outcome.elapsed, outcome.timed_out);
  return clean ? 0 : 1;
}
