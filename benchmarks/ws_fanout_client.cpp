// bench_ws_fanout: how many events/s chorusd's WebSocket gateway delivers, and how
// late they arrive.
//
// Opens S subscriber connections (lean hand-framed WebSocket clients on a small
// io_context pool), subscribes each to the whole customer, then drives the load
// itself: it POSTs ring_all groupcalls of two simulated destinations (one answers
// after 1 ms and hangs up 1 ms later, the other is cancelled; ~15 events) over a
// few keep-alive HTTP connections, at --rate groupcalls/s or, with --rate 0, as fast
// as chorusd delivers them: at most --max-in-flight groupcalls whose
// groupcall_hangup the subscribers have not all received yet. After --warmup-s it
// measures for --seconds:
//   events/s   event frames received, summed over the subscribers;
//   latency    the client's wall clock at receipt minus the event's state-change
//              time from its snapshot (tm_update, or tm_create while tm_update is
//              "9999-..."), both UTC wall clock with microseconds on this machine.
// Dropped events (events_dropped frames) and gaps in a connection's seq are counted.
//
// --post-url sends the groupcalls to another chorusd (a node of the same cluster),
// so the latency is the cross-node one: state change there, receipt here.
//
// --mode reference connects to any ws:// URL, subscribes to nothing and POSTs
// nothing: it counts the messages and takes each one's latency from its "ts" field
// (microseconds since the epoch), as benchmarks/ws_reference/server.js stamps it.
//
//   bench_ws_fanout --url ws://127.0.0.1:PORT[/path] [--mode chorusd|reference]
//                   [--key KEY --customer UUID] [--subscribers S] [--seconds T]
//                   [--rate R] [--max-in-flight N] [--warmup-s W] [--threads N]
//                   [--post-connections C] [--post-url http://127.0.0.1:PORT]
//                   [--record FILE [--record-frames N]]
//                   [--server-pid PID]
//
// In chorusd mode the path defaults to /v1.0/ws?token=KEY. --record FILE writes the
// first N event frames one subscriber receives, one per line, for the reference
// server to replay. --server-pid also reports that process's CPU use in the window
// (and per event delivered), read from /proc. Bounded by design: a loopback URL only, at most 20 s
// to connect and subscribe, then --warmup-s + --seconds of load, then it stops and reports. The
// last line is "RESULT key=value ..." for scripts. Exit status 0 when every subscriber was ready
// and events arrived.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include "flag_number.hpp"
#include "load/rest_requests.hpp"
#include "load/http_load_connection.hpp"
#include "load/io_threads.hpp"
#include "load/latency_log.hpp"
#include "load/loopback_url.hpp"
#include "load/process_cpu.hpp"
#include "model/timestamp.hpp"

namespace {

using namespace chorus::bench;
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto connect_timeout = std::chrono::seconds(20);
constexpr auto io_timeout = std::chrono::seconds(10);
constexpr std::size_t connecting_at_once = 64;  // gentle on listen backlogs

enum class Mode { chorusd, reference };

struct Options {
  Mode mode = Mode::chorusd;
  LoopbackUrl url;  // its target: the WebSocket path and query
  // Where the groupcalls are POSTed; unset: the WebSocket's server. Another node
  // of a cluster measures what crossing between nodes costs.
  std::optional<LoopbackUrl> post_url;
  std::string key;
  std::string customer;
  std::size_t subscribers = 100;
  double seconds = 5;
  double warmup_s = 0.5;
  double rate = 0;  // groupcalls/s; 0 = closed loop
  std::size_t max_in_flight = 64;
  std::size_t threads = 2;
  std::size_t post_connections = 4;
  std::string record;
  std::size_t record_frames = 300;
  long server_pid = 0;  // report this process's CPU use in the window too
};

enum Phase : int { setup, warmup, measure, done };

// What one subscriber saw; only its own handlers touch it, merged at the end.
struct Tally {
  std::uint64_t events = 0;    // in the measured window
  LatencyLog latencies;        // of those events
  std::uint64_t dropped = 0;   // events_dropped counts, whole run
  std::uint64_t seq_gaps = 0;  // events missing from seq, whole run
  std::uint64_t unparsed = 0;  // frames without a usable time
  std::uint64_t errors = 0;    // "error" frames
};

// Shared by subscribers, posters and main.
struct Bench {
  explicit Bench(const Options& o) : options(o) {}
  const Options& options;
  std::atomic<int> phase{setup};
  std::atomic<std::size_t> ready{0};      // subscribed (chorusd) or open (reference)
  std::atomic<std::size_t> failed{0};     // could not connect or subscribe
  std::atomic<std::uint64_t> hangups{0};  // groupcall_hangup frames received, all phases
  // The posters' count, answers and the start of the load.
  std::atomic<std::uint64_t> posted{0};
  std::atomic<std::uint64_t> answered{0};
  std::atomic<std::uint64_t> non_200{0};
  std::atomic<std::uint64_t> post_errors{0};
  std::atomic<std::uint64_t> held_back{0};  // rate mode: times a post waited, 1 s behind
  Clock::time_point load_start;
  std::atomic<std::uint64_t> recorded{0};
  std::FILE* record = nullptr;
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The value of "key": in a frame (a string's contents or a number's digits), or
// empty. Frames are small and flat; a substring search is enough, but not
// string_view::find: it compares at every '"' of the JSON, and chorusd's tm_update
// lies hundreds of bytes in, behind dozens of them. That was half of this client's
// CPU, against a few percent for the references' "ts" at the front, so the client
// slowed chorusd's figures alone. glibc's memmem skips ahead by a hash of pairs.
std::string_view field(std::string_view text, std::string_view quoted_key) {
  auto* found = static_cast<const char*>(
      ::memmem(text.data(), text.size(), quoted_key.data(), quoted_key.size()));
  if (found == nullptr) return {};
  auto begin = static_cast<std::size_t>(found - text.data()) + quoted_key.size();
  if (begin < text.size() && text[begin] == '"') {
    auto end = text.find('"', begin + 1);
    if (end == std::string_view::npos) return {};
    return text.substr(begin + 1, end - begin - 1);
  }
  auto end = begin;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  return text.substr(begin, end - begin);
}

// field() for a key near the end, as a snapshot's timestamps are: its tail is
// searched first, so that the client reads a chorusd frame's tm_update about as
// cheaply as a reference frame's "ts" at the front.
std::string_view tail_field(std::string_view text, std::string_view quoted_key) {
  constexpr std::size_t tail = 320;  // a call's last five timestamps
  if (text.size() > tail) {
    auto found = field(text.substr(text.size() - tail), quoted_key);
    if (!found.empty()) return found;
  }
  return field(text, quoted_key);
}

std::optional<std::int64_t> number(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// The snapshot's state-change time in µs since the epoch: tm_update, or tm_create
// while tm_update is not set yet.
std::optional<std::int64_t> state_change_us(std::string_view frame) {
  auto update = chorus::Timestamp::parse(tail_field(frame, R"("tm_update":)"));
  if (update && update->is_set()) return update->micros();
  auto create = chorus::Timestamp::parse(tail_field(frame, R"("tm_create":)"));
  if (create && create->is_set()) return create->micros();
  return std::nullopt;
}

// A subscriber speaks WebSocket by hand, lean on purpose: at a million events a
// second the client must cost less than the server it measures, and Beast's
// websocket::stream spends about a microsecond per message. It reads 64 KiB at a
// time, walks the (unmasked) server frames in place, and takes the receipt time
// once per read. Its own frames (the subscribe, pongs) are masked, as a client's
// must be.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(net::io_context& io, Bench& bench, Tally& tally, bool records,
             std::function<void()> settled)
      : socket_(net::make_strand(io)),
        timer_(socket_.get_executor()),
        bench_(bench),
        tally_(tally),
        records_(records),
        settled_(std::move(settled)),
        in_(read_bytes) {}

  void start(const tcp::endpoint& endpoint) {
    // Connecting, the handshake and (chorusd) the subscription within io_timeout.
    timer_.expires_after(io_timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->settled_once_) return;
      self->fail("setup", net::error::timed_out);
      beast::error_code ignored;
      self->socket_.close(ignored);
    });
    socket_.async_connect(endpoint,
                          beast::bind_front_handler(&Subscriber::on_connect, shared_from_this()));
  }

 private:
  static constexpr std::size_t read_bytes = 64 * 1024;
  const Options& o() const { return bench_.options; }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    socket_.set_option(tcp::no_delay(true), ec);
    // Any 16 bytes in base64 will do for the key; the server's answer is checked.
    out_ = "GET " + o().url.target + " HTTP/1.1\r\nHost: " + o().url.host + ":" +
           std::to_string(o().url.port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    writing_ = true;
    net::async_write(socket_, net::buffer(out_),
                     beast::bind_front_handler(&Subscriber::on_written, shared_from_this()));
    read();
  }

  // Queues a masked client frame; one write at a time.
  void send(std::uint8_t opcode, std::string_view payload) {
    static constexpr unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    outbox_.push_back(static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
      outbox_.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
      outbox_.push_back(static_cast<char>(0x80 | 126));
      outbox_.push_back(static_cast<char>(payload.size() >> 8));
      outbox_.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    outbox_.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) outbox_.push_back(payload[i] ^ mask[i % 4]);
    if (!writing_) write_outbox();
  }

  void write_outbox() {
    out_.swap(outbox_);
    outbox_.clear();
    writing_ = true;
    net::async_write(socket_, net::buffer(out_),
                     beast::bind_front_handler(&Subscriber::on_written, shared_from_this()));
  }

  void on_written(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return fail("write", ec);
    if (!outbox_.empty()) write_outbox();
  }

  void read() {
    if (in_.size() - in_size_ < read_bytes / 2) in_.resize(in_size_ + read_bytes);
    socket_.async_read_some(net::buffer(in_.data() + in_size_, in_.size() - in_size_),
                            beast::bind_front_handler(&Subscriber::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      if (!settled_once_) fail("read", ec);
      return;  // closed by the server or at shutdown: stop reading
    }
    in_size_ += bytes;
    std::string_view data(in_.data(), in_size_);
    std::size_t used = 0;
    if (!upgraded_) {
      auto end = data.find("\r\n\r\n");
      if (end == std::string_view::npos) return in_size_ > 16384 ? fail("handshake", {}) : read();
      if (data.substr(0, 12) != "HTTP/1.1 101" ||
          data.substr(0, end).find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == std::string_view::npos) {
        return fail("handshake", {});
      }
      upgraded_ = true;
      used = end + 4;
      if (o().mode == Mode::reference) {
        settle(true);
      } else {
        send(0x1, R"({"type":"subscribe","topics":["customer_id:)" + o().customer + R"("]})");
      }
    }
    auto received_us = now_us();  // every frame of this read arrived together
    while (auto frame = next_frame(data.substr(used))) {
      used += frame->size;
      if (!on_frame(frame->opcode, frame->payload, received_us)) return;
    }
    std::memmove(in_.data(), in_.data() + used, in_size_ - used);
    in_size_ -= used;
    read();
  }

  struct Frame {
    std::uint8_t opcode;
    std::string_view payload;
    std::size_t size;
  };

  // The whole frame at the front of `data`, or nullopt (having made room for it).
  std::optional<Frame> next_frame(std::string_view data) {
    if (data.size() < 2) return std::nullopt;
    auto* b = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t length = b[1] & 0x7F, header = 2;
    if (length == 126) header = 4;
    if (length == 127) header = 10;
    if (data.size() < header) return std::nullopt;
    if (header > 2) {
      length = 0;
      for (std::size_t i = 2; i < header; ++i) length = (length << 8) | b[i];
    }
    if (data.size() < header + length) {
      if (in_.size() < header + length + read_bytes / 2) in_.resize(header + length + read_bytes);
      return std::nullopt;
    }
    return Frame{static_cast<std::uint8_t>(b[0] & 0x0F), data.substr(header, length),
                 header + length};
  }

  // False once the server closed.
  bool on_frame(std::uint8_t opcode, std::string_view payload, std::int64_t received_us) {
    switch (opcode) {
      case 0x1:
      case 0x2:
        on_message(payload, received_us);
        return true;
      case 0x9:
        send(0xA, payload);
        return true;
      case 0x8:
        if (!settled_once_) fail("subscribe", {});
        return false;
      default:
        return true;  // pongs; the servers measured here do not fragment
    }
  }

  void on_message(std::string_view frame, std::int64_t received_us) {
    bool measuring = bench_.phase.load(std::memory_order_relaxed) == measure;
    if (o().mode == Mode::reference) {
      note_seq(frame);
      auto ts = number(field(frame, R"("ts":)"));
      if (!ts) return void(++tally_.unparsed);
      return count(measuring, received_us - *ts);
    }
    auto type = field(frame, R"("type":)");
    if (type == "subscribed") {
      timer_.cancel();
      return settle(true);
    }
    if (type == "error") {
      if (tally_.errors++ == 0)
        std::fprintf(stderr, "error frame: %.*s\n", int(frame.size()), frame.data());
      if (!settled_once_) settle(false);
      return;
    }
    note_seq(frame);
    if (type == "events_dropped") {
      tally_.dropped += number(field(frame, R"("count":)")).value_or(0);
      return;
    }
    if (type == "groupcall_hangup") bench_.hangups.fetch_add(1, std::memory_order_relaxed);
    if (records_) record(frame);
    auto changed_us = state_change_us(frame);
    if (!changed_us) return void(++tally_.unparsed);
    count(measuring, received_us - *changed_us);
  }

  // Both chorusd and the references number a connection's events 1, 2, 3...: a
  // jump is events this subscriber never got.
  void note_seq(std::string_view frame) {
    auto parsed = number(field(frame, R"("seq":)"));
    if (!parsed) return;
    auto seq = static_cast<std::uint64_t>(*parsed);
    if (last_seq_ != 0 && seq > last_seq_ + 1) tally_.seq_gaps += seq - last_seq_ - 1;
    last_seq_ = seq;
  }

  void count(bool measuring, std::int64_t latency_us) {
    if (!measuring) return;
    ++tally_.events;
    tally_.latencies.add_us(latency_us);
  }

  void record(std::string_view frame) {
    if (!bench_.record || bench_.recorded.load() >= o().record_frames) return;
    std::fwrite(frame.data(), 1, frame.size(), bench_.record);
    std::fputc('\n', bench_.record);
    ++bench_.recorded;
  }

  void settle(bool ok) {
    if (settled_once_) return;
    settled_once_ = true;
    timer_.cancel();
    ++(ok ? bench_.ready : bench_.failed);
    settled_();
  }

  void fail(const char* what, beast::error_code ec) {
    if (settled_once_) return;
    if (bench_.failed.load() < 3) {
      std::fprintf(stderr, "subscriber: %s failed: %s\n", what,
                   ec ? ec.message().c_str() : "unexpected answer");
    }
    settle(false);
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  Bench& bench_;
  Tally& tally_;
  bool records_;
  std::function<void()> settled_;
  bool settled_once_ = false;
  bool upgraded_ = false;
  std::vector<char> in_;
  std::size_t in_size_ = 0;
  std::string out_, outbox_;
  bool writing_ = false;
  std::uint64_t last_seq_ = 0;
};

// The load: groupcalls POSTed over a few keep-alive connections, at --rate or as
// fast as chorusd delivers them. One plan for every poster, its claims atomic.
class Posting : public LoadPlan {
 public:
  explicit Posting(Bench& bench) : bench_(bench) {}

  Turn next(Clock::time_point now) override {
    if (bench_.phase.load() >= done) return {Turn::stop};
    if (claim(now)) return {Turn::send};
    // Not yet due, or enough in flight: look again when the next one is due, or
    // in a millisecond (few wake-ups: the client shares the machine with chorusd).
    return {Turn::wait, std::max(next_due(), now + std::chrono::milliseconds(1))};
  }

  void answered(const HttpResponse& response, Clock::duration) override {
    ++bench_.answered;
    if (response.result_int() != 200 && bench_.non_200++ == 0) {
      std::fprintf(stderr, "POST /v1.0/groupcalls answered %u: %s\n", response.result_int(),
                   response.body().c_str());
    }
  }

  void broken() override {
    if (bench_.phase.load() < done) ++bench_.post_errors;
  }

 private:
  // May one more groupcall be posted now?
  bool claim(Clock::time_point now) {
    auto& o = bench_.options;
    auto subscribers = std::max<std::size_t>(1, bench_.ready.load());
    auto posted = bench_.posted.load();
    for (;;) {
      if (o.rate > 0) {
        auto elapsed = std::chrono::duration<double>(now - bench_.load_start).count();
        if (static_cast<double>(posted) >= o.rate * elapsed) return false;
      }
      // Groupcalls whose groupcall_hangup has not reached every subscriber yet. In
      // rate mode the bound is a safety net (one second of load), counted when hit.
      double delivered =
          static_cast<double>(bench_.hangups.load()) / static_cast<double>(subscribers);
      double limit = o.rate > 0 ? std::max<double>(o.max_in_flight, o.rate) : o.max_in_flight;
      if (static_cast<double>(posted) - delivered >= limit) {
        if (o.rate > 0) ++bench_.held_back;
        return false;
      }
      if (bench_.posted.compare_exchange_weak(posted, posted + 1)) return true;
    }
  }

  // When the next groupcall is due at --rate; now with --rate 0.
  Clock::time_point next_due() const {
    if (bench_.options.rate <= 0) return Clock::now();
    auto seconds = static_cast<double>(bench_.posted.load() + 1) / bench_.options.rate;
    return bench_.load_start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::min(seconds, 3600.0)));
  }

  Bench& bench_;
};

bool parse_flag(std::string_view flag, const char* text, Options& o) {
  long v = 0;
  if (flag == "--url") {
    auto url = parse_loopback_url(text, {"ws", "http"});
    return url && (o.url = *url, true);
  }
  if (flag == "--post-url") {
    auto url = parse_loopback_url(text, {"http"});
    return url && (o.post_url = *url, true);
  }
  if (flag == "--mode") {
    if (std::string_view(text) == "chorusd") return o.mode = Mode::chorusd, true;
    if (std::string_view(text) == "reference") return o.mode = Mode::reference, true;
    return false;
  }
  if (flag == "--key") return o.key = text, !o.key.empty();
  if (flag == "--customer") return o.customer = text, o.customer.size() == 36;
  if (flag == "--subscribers" && parse_number(text, 1, 20000, v)) return o.subscribers = v, true;
  if (flag == "--seconds") return parse_real(text, 0.1, 600, o.seconds);
  if (flag == "--warmup-s") return parse_real(text, 0, 60, o.warmup_s);
  if (flag == "--rate") return parse_real(text, 0, 1e6, o.rate);
  if (flag == "--max-in-flight" && parse_number(text, 1, 1000000, v)) {
    return o.max_in_flight = v, true;
  }
  if (flag == "--threads" && parse_number(text, 1, 64, v)) return o.threads = v, true;
  if (flag == "--post-connections" && parse_number(text, 1, 64, v)) {
    return o.post_connections = v, true;
  }
  if (flag == "--record") return o.record = text, !o.record.empty();
  if (flag == "--record-frames" && parse_number(text, 1, 1000000, v)) {
    return o.record_frames = v, true;
  }
  if (flag == "--server-pid" && parse_number(text, 1, 1L << 30, v)) return o.server_pid = v, true;
  return false;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  auto take = [&](std::string_view flag, const char* value) { return parse_flag(flag, value, o); };
  if (!for_each_flag(argc, argv, take) || o.url.port == 0) return std::nullopt;
  if (o.mode == Mode::chorusd) {
    if (o.key.empty() || o.customer.empty()) return std::nullopt;
    if (o.url.target.empty()) o.url.target = "/v1.0/ws?token=" + o.key;
  } else if (o.url.target.empty()) {
    o.url.target = "/";
  }
  return o;
}

void sleep_s(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// Opens the subscribers, at most connecting_at_once handshakes at a time, each
// settled one starting the next. Lives until the io_context has stopped: every
// subscriber holds its `launch`.
struct Launcher {
  Launcher(net::io_context& io, Bench& bench, std::vector<Tally>& tallies,
           const tcp::endpoint& endpoint)
      : launch([&io, &bench, &tallies, endpoint, this] {
          auto i = next++;
          if (i >= tallies.size()) return;
          std::make_shared<Subscriber>(io, bench, tallies[i], i == 0, launch)->start(endpoint);
        }) {
    for (std::size_t i = 0; i < std::min(tallies.size(), connecting_at_once); ++i) launch();
  }
  std::atomic<std::size_t> next{0};
  std::function<void()> launch;
};

// The measured window: what the load posted in it, and the CPU both sides used.
struct Window {
  double seconds = 0;
  double cpu_s = 0;
  double server_cpu_s = -1;
  std::uint64_t posted = 0;
};

// Starts the load (chorusd mode: the posters), warms up, then measures.
Window run_window(Bench& bench, net::io_context& io, const tcp::endpoint& endpoint,
                  const HttpRequest& request, Posting& posting) {
  const auto& o = bench.options;
  bench.load_start = Clock::now();
  bench.phase = warmup;
  if (o.mode == Mode::chorusd) {
    for (std::size_t i = 0; i < o.post_connections; ++i) {
      start_load_connection(io, endpoint, request, posting);
    }
  }
  sleep_s(o.warmup_s);
  Window window;
  auto posted_before = bench.posted.load();
  auto cpu_before = cpu_seconds_self();
  auto server_cpu_before = cpu_seconds_of(o.server_pid);
  auto start = Clock::now();
  bench.phase = measure;
  sleep_s(o.seconds);
  bench.phase = done;
  window.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  window.cpu_s = cpu_seconds_self() - cpu_before;
  auto server_cpu_after = cpu_seconds_of(o.server_pid);
  if (server_cpu_before >= 0 && server_cpu_after >= 0) {
    window.server_cpu_s = server_cpu_after - server_cpu_before;
  }
  window.posted = bench.posted.load() - posted_before;
  return window;
}

// Every subscriber's tally in one; their latencies merged and sorted.
struct Totals {
  std::uint64_t events = 0, dropped = 0, seq_gaps = 0, unparsed = 0;
  LatencyLog latencies;
};

Totals total(std::vector<Tally>& tallies) {
  Totals all;
  std::vector<LatencyLog> logs;
  logs.reserve(tallies.size());
  for (auto& t : tallies) {
    all.events += t.events;
    all.dropped += t.dropped;
    all.seq_gaps += t.seq_gaps;
    all.unparsed += t.unparsed;
    logs.push_back(std::move(t.latencies));
  }
  all.latencies = LatencyLog::merged(logs);
  return all;
}

using ull = unsigned long long;

// The human report, then the RESULT line.
void report(const Bench& bench, std::size_t ready, const Window& w, const Totals& all) {
  const auto& o = bench.options;
  auto events_per_s = w.seconds > 0 ? static_cast<double>(all.events) / w.seconds : 0;
  auto p50 = all.latencies.percentile_ms(0.50), p99 = all.latencies.percentile_ms(0.99);
  auto max = all.latencies.max_ms();
  std::printf("  window        %.2f s after %.2f s warm-up\n", w.seconds, o.warmup_s);
  std::printf("  events        %llu received, %.0f events/s (%.0f per subscriber/s)\n",
              ull(all.events), events_per_s, ready ? events_per_s / static_cast<double>(ready) : 0);
  std::printf("  latency       p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", p50, p99, max);
  std::printf("  lost          %llu dropped (events_dropped), %llu seq gaps, %llu unparsed\n",
              ull(all.dropped), ull(all.seq_gaps), ull(all.unparsed));
  std::printf("  client cpu    %.0f%% of one core (%zu threads)\n",
              w.seconds > 0 ? 100 * w.cpu_s / w.seconds : 0, o.threads);
  auto server_cores = w.server_cpu_s >= 0 && w.seconds > 0 ? w.server_cpu_s / w.seconds : -1;
  auto server_us_per_event =
      w.server_cpu_s >= 0 && all.events > 0 ? 1e6 * w.server_cpu_s / double(all.events) : -1;
  if (server_cores >= 0) {
    std::printf("  server cpu    %.0f%% of one core, %.2f us per event delivered (pid %ld)\n",
                100 * server_cores, server_us_per_event, o.server_pid);
  }
  double groupcalls_per_s = 0;
  if (o.mode == Mode::chorusd) {
    char pacing[64];
    if (o.rate > 0) {
      std::snprintf(pacing, sizeof pacing, "target %.2f/s", o.rate);
    } else {
      std::snprintf(pacing, sizeof pacing, "closed loop, %zu in flight", o.max_in_flight);
    }
    groupcalls_per_s = w.seconds > 0 ? static_cast<double>(w.posted) / w.seconds : 0;
    std::printf(
        "  groupcalls    %.0f/s posted (%s), %llu answered, %llu non-200, %llu broken "
        "connections, held back %llu times (a second behind)\n",
        groupcalls_per_s, pacing, ull(bench.answered.load()), ull(bench.non_200.load()),
        ull(bench.post_errors.load()), ull(bench.held_back.load()));
  }
  if (!o.record.empty()) {
    std::printf("  recorded      %llu frames to %s\n", ull(bench.recorded.load()),
                o.record.c_str());
  }
  std::printf(
      "RESULT mode=%s subscribers=%zu ready=%zu seconds=%.3f events=%llu events_per_s=%.0f "
      "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f dropped=%llu seq_gaps=%llu groupcalls_per_s=%.1f "
      "client_cpu=%.2f server_cpu=%.2f server_us_per_event=%.2f\n",
      o.mode == Mode::chorusd ? "chorusd" : "reference", o.subscribers, ready, w.seconds,
      ull(all.events), events_per_s, p50, p99, max, ull(all.dropped), ull(all.seq_gaps),
      groupcalls_per_s, w.seconds > 0 ? w.cpu_s / w.seconds : 0, server_cores, server_us_per_event);
  std::fflush(stdout);
}

}  // namespace

constexpr char usage[] =
    "bench_ws_fanout --url ws://127.0.0.1:PORT[/path] [--mode chorusd|reference] "
    "[--key KEY --customer UUID] [--subscribers S] [--seconds T] [--rate R] "
    "[--max-in-flight N] [--warmup-s W] [--threads N] [--post-connections C] "
    "[--post-url http://127.0.0.1:PORT] "
    "[--record FILE] [--record-frames N] [--server-pid PID]";

int main(int argc, char** argv) {
  const Options o = options_or_usage(argc, argv, parse_options, usage);
  Bench bench(o);
  if (!o.record.empty()) {
    bench.record = std::fopen(o.record.c_str(), "w");
    if (!bench.record) return std::fprintf(stderr, "cannot write %s\n", o.record.c_str()), 2;
  }
  std::vector<Tally> tallies(o.subscribers);
  Posting posting(bench);
  const LoopbackUrl& posted_to = o.post_url ? *o.post_url : o.url;
  auto request = groupcall_request(posted_to.host, posted_to.port, o.key, 2);
  std::size_t ready = 0;
  Window window;
  {
    // Declared after what the connections refer to, so that they are destroyed
    // (with the io_context) before it.
    net::io_context io(static_cast<int>(o.threads));
    auto work = net::make_work_guard(io);
    tcp::endpoint endpoint(net::ip::make_address(o.url.host), o.url.port);
    Launcher launcher(io, bench, tallies, endpoint);
    IoThreads threads(io, o.threads);

    auto deadline = Clock::now() + connect_timeout;
    while (bench.ready + bench.failed < o.subscribers && Clock::now() < deadline) sleep_s(0.01);
    ready = bench.ready.load();
    std::printf("bench_ws_fanout (%s): %zu of %zu subscribers ready\n",
                o.mode == Mode::chorusd ? "chorusd" : "reference", ready, o.subscribers);
    tcp::endpoint post_endpoint(net::ip::make_address(posted_to.host), posted_to.port);
    if (ready > 0) window = run_window(bench, io, post_endpoint, request, posting);
    work.reset();
    threads.stop();
  }
  if (bench.record) std::fclose(bench.record);
  auto all = total(tallies);
  report(bench, ready, window, all);
  return ready == o.subscribers && all.events > 0 ? 0 : 1;
}
