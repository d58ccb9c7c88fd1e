#pragma once
// Clients for the WebSocket tests, all synchronous with a timeout on every
// operation, and only ever connecting to 127.0.0.1 (REST calls go through
// tests/support's http_request()):
// - WsClient: a Beast WebSocket client. Its socket is read only while one of its
//   calls runs, so a client the test leaves alone does not read at all (a stalled
//   consumer); while it runs, it answers pings as a browser would. Several clients
//   may share one io_context (the 1,000-connection test);
// - RawWsPeer: a plain TCP socket that completes the upgrade by hand and then
//   does exactly what the test says (nothing at all, for a dead peer).

#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace chorus::wstest {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using test::Headers;
using test::http_request;
using test::HttpResponse;

inline tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port);
}

// Runs `io` until `done()` or the deadline; false on timeout.
inline bool run_until(net::io_context& io, const std::function<bool()>& done,
                      std::chrono::steady_clock::time_point deadline) {
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    // Out of work: nothing can complete any more.
    if (io.run_one_until(deadline) == 0 && io.stopped()) return done();
  }
  return true;
}

struct WsOptions {
  std::string target = "/v1.0/ws";
  Headers headers;
  int receive_buffer = 0;               // SO_RCVBUF set before connecting; 0 = the system's
  std::shared_ptr<net::io_context> io;  // shared with other clients; null = its own
};

class WsClient {
 public:
  using Options = WsOptions;

  explicit WsClient(std::uint16_t port, Options options = {})
      : port_(port), options_(std::move(options)) {
    auto io = options_.io ? options_.io : std::make_shared<net::io_context>(1);
    s_ = std::make_shared<State>(std::move(io));
    auto* state = s_.get();
    s_->ws.control_callback([state](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++state->pings;
    });
  }
  ~WsClient() { abort(); }
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and asks for the upgrade. The HTTP status of the answer: 101 when
  // upgraded, the refusal's status (401, 404, 503) otherwise, 0 when none came.
  unsigned connect(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto& socket = beast::get_lowest_layer(s_->ws).socket();
    beast::error_code ec;
    if (options_.receive_buffer > 0) {
      socket.open(tcp::v4(), ec);
      socket.set_option(net::socket_base::receive_buffer_size(options_.receive_buffer), ec);
    }
    bool done = false;
    auto s = s_;
    beast::get_lowest_layer(s_->ws).async_connect(loopback(port_),
                                                  [s, &done, &ec](beast::error_code e) {
                                                    ec = e;
                                                    done = true;
                                                  });
    if (!finish(done, deadline) || ec) {
      error_ = ec;
      return 0;
    }
    auto headers = options_.headers;
    s_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& r) {
      for (auto& [name, value] : headers) r.set(name, value);
    }));
    done = false;
    s_->ws.async_handshake(s_->response, "127.0.0.1:" + std::to_string(port_), options_.target,
                           [s, &done, &ec](beast::error_code e) {
                             ec = e;
                             done = true;
                           });
    if (!finish(done, deadline)) return 0;
    error_ = ec;
    if (ec) return s_->response.result_int();
    s_->open = true;
    s_->ws.text(true);
    pump(s_);
    return 101;
  }

  // The handshake's answer (its body explains a refusal).
  const websocket::response_type& handshake_response() const { return s_->response; }

  // Sends one text message; false if it could not be sent within the timeout.
  bool send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (!s_->open || s_->closed) return false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool done = false;
    beast::error_code ec;
    auto s = s_;
    auto message = std::make_shared<std::string>(text);
    s_->ws.async_write(net::buffer(*message),
                       [s, message, &done, &ec](beast::error_code e, std::size_t) {
                         ec = e;
                         done = true;
                       });
    if (!finish(done, deadline)) return false;
    return !ec;
  }

  // The next message, waiting up to `timeout`; nullopt on timeout or once closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (s_->inbox.empty() && !s_->closed) {
      pump(s_);
      auto s = s_.get();
      run_until(
          *s_->io, [s] { return !s->inbox.empty() || s->closed; }, deadline);
    }
    if (s_->inbox.empty()) return std::nullopt;
    auto message = std::move(s_->inbox.front());
    s_->inbox.pop_front();
    return message;
  }

  // Runs for `duration` with a read pending: queues messages, answers pings.
  void idle(std::chrono::milliseconds duration) {
    pump(s_);
    auto s = s_.get();
    run_until(
        *s_->io, [s] { return s->closed; }, std::chrono::steady_clock::now() + duration);
  }

  // Waits until the server closes the connection; whether it did within `timeout`.
  // Messages before the close stay queued for read().
  bool wait_closed(std::chrono::milliseconds timeout) {
    pump(s_);
    auto s = s_.get();
    return run_until(
        *s_->io, [s] { return s->closed; }, std::chrono::steady_clock::now() + timeout);
  }

  // Puts messages back in front of the queue, in their order, for read() to
  // return again.
  void requeue(const std::vector<std::string>& messages) {
    s_->inbox.insert(s_->inbox.begin(), messages.begin(), messages.end());
  }

  // Starts reading in the background (for clients sharing an io_context that is
  // run elsewhere).
  void start_reading() { pump(s_); }
  std::size_t queued() const { return s_->inbox.size(); }

  bool is_open() const { return s_->open && !s_->closed; }
  bool closed() const { return s_->closed; }
  // The close frame's code when the server closed with one; 0 otherwise.
  unsigned close_code() const { return s_->close_code; }
  beast::error_code read_error() const { return s_->read_error; }
  beast::error_code error() const { return error_; }
  int pings() const { return s_->pings; }

  // The closing handshake, as a polite client does it.
  void close(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!s_->open || s_->closed) return;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool done = false;
    auto s = s_;
    s_->ws.async_close(websocket::close_code::normal,
                       [s, &done](beast::error_code) { done = true; });
    finish(done, deadline);
    auto raw = s_.get();
    run_until(
        *s_->io, [raw] { return raw->closed; }, deadline);
  }

  // Starts the closing handshake without waiting for it (see wait_closed()).
  void begin_close() {
    if (!s_->open || s_->closed) return;
    auto s = s_;
    s_->ws.async_close(websocket::close_code::normal, [s](beast::error_code) {});
  }

  // Drops the TCP connection without a closing handshake.
  void abort() {
    if (!s_) return;
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(s_->ws).socket();
    if (socket.is_open()) {
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
    s_->open = false;
    // Let the aborted operations finish so none refers to this client later.
    auto s = s_.get();
    run_until(
        *s_->io, [s] { return !s->reading; },
        std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }

 private:
  struct State {
    explicit State(std::shared_ptr<net::io_context> context) : io(std::move(context)), ws(*io) {}
    std::shared_ptr<net::io_context> io;
    websocket::stream<beast::tcp_stream> ws;
    websocket::response_type response;
    beast::flat_buffer buffer;
    std::deque<std::string> inbox;
    bool open = false;
    bool reading = false;
    bool closed = false;
    unsigned close_code = 0;
    beast::error_code read_error;
    int pings = 0;
  };

  // Keeps one read pending while the connection is open.
  static void pump(const std::shared_ptr<State>& s) {
    if (!s->open || s->reading || s->closed) return;
    s->reading = true;
    s->ws.async_read(s->buffer, [s](beast::error_code ec, std::size_t) {
      s->reading = false;
      if (ec) {
        s->closed = true;
        s->read_error = ec;
        s->close_code = static_cast<unsigned>(s->ws.reason().code);
        return;
      }
      s->inbox.push_back(beast::buffers_to_string(s->buffer.data()));
      s->buffer.clear();
      pump(s);
    });
  }

  // Runs until `done`; on timeout, drops the connection and lets the operation end.
  bool finish(bool& done, std::chrono::steady_clock::time_point deadline) {
    if (run_until(
            *s_->io, [&] { return done; }, deadline))
      return true;
    beast::error_code ignored;
    beast::get_lowest_layer(s_->ws).socket().close(ignored);
    run_until(
        *s_->io, [&] { return done; }, std::chrono::steady_clock::now() + std::chrono::seconds(2));
    s_->open = false;
    return false;
  }

  std::uint16_t port_;
  Options options_;
  std::shared_ptr<State> s_;
  beast::error_code error_;
};

// A plain TCP peer that asks for the upgrade by hand, then does only what the
// test says: it may send frames (masked or not, fragmented or not), and reads
// only when asked to.
class RawWsPeer {
 public:
  struct Frame {
    int opcode = 0;
    bool fin = true;
    bool masked = false;  // a server frame never is
    std::string payload;
    // A close frame's status code (0 when it carries none), and its reason.
    unsigned close_code() const {
      if (payload.size() < 2) return 0;
      return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
    }
    std::string close_reason() const { return payload.size() > 2 ? payload.substr(2) : ""; }
  };

  // What an upgrade request carries beyond the fixed parts; nullopt leaves a
  // header out.
  struct Upgrade {
    std::optional<std::string> key = std::string("dGhlIHNhbXBsZSBub25jZQ==");  // RFC 6455's
    std::optional<std::string> version = std::string("13");
    Headers extra;
    // Bytes sent in the same write, right after the request (early frames).
    std::string trailing;
  };

  explicit RawWsPeer(std::uint16_t port, int receive_buffer = 0)
      : connection_(port, receive_buffer), port_(port) {}

  // Sends the upgrade request and reads the answer's head (and nothing after it);
  // the answer's status, or 0 when none came within the timeout.
  unsigned upgrade(const std::string& target,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!send_upgrade(target)) return 0;
    return upgrade_status(timeout);
  }
  bool send_upgrade(const std::string& target) { return send_upgrade(target, Upgrade{}); }
  bool send_upgrade(const std::string& target, const Upgrade& upgrade) {
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    if (upgrade.key) request += "Sec-WebSocket-Key: " + *upgrade.key + "\r\n";
    if (upgrade.version) request += "Sec-WebSocket-Version: " + *upgrade.version + "\r\n";
    for (auto& [name, value] : upgrade.extra) request += name + ": " + value + "\r\n";
    return send_bytes(request + "\r\n" + upgrade.trailing);
  }
  unsigned upgrade_status(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return read_response(timeout, false).status;
  }

  // Reads an HTTP answer: its head and, when `body` and it has a Content-Length,
  // its body (nothing after it); status 0 when none came whole in time.
  HttpResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                             bool body = true) {
    return connection_.read_response(timeout, body).value_or(HttpResponse{});
  }

  // A client frame (opcode 1: text, 0: continuation, 8: close, 9: ping, 10: pong),
  // masked unless told otherwise, final unless told otherwise.
  bool send_frame(const std::string& payload, int opcode = 1, bool fin = true, bool masked = true) {
    return send_bytes(frame_bytes(payload, opcode, fin, masked));
  }
  // A close frame with a status code and reason.
  bool send_close(unsigned code, const std::string& reason = "") {
    std::string payload;
    payload.push_back(static_cast<char>((code >> 8) & 0xff));
    payload.push_back(static_cast<char>(code & 0xff));
    return send_frame(payload + reason, 8);
  }
  // The bytes of a client frame, for sending several in one write.
  static std::string frame_bytes(const std::string& payload, int opcode = 1, bool fin = true,
                                 bool masked = true) {
    std::string frame;
    const char mask_bit = masked ? static_cast<char>(0x80) : 0;
    frame.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
    if (payload.size() < 126) {
      frame.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() < 65536) {
      frame.push_back(static_cast<char>(mask_bit | 126));
      frame.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
      frame.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
      frame.push_back(static_cast<char>(mask_bit | 127));
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.push_back(
            static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> shift) & 0xff));
      }
    }
    if (!masked) return frame + payload;
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
      frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    }
    return frame;
  }

  // Reads one server frame within the timeout.
  std::optional<Frame> read_frame(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    unsigned char head[2];
    if (!read_exact(reinterpret_cast<char*>(head), 2, deadline)) return std::nullopt;
    Frame frame;
    frame.opcode = head[0] & 0x0f;
    frame.fin = (head[0] & 0x80) != 0;
    frame.masked = (head[1] & 0x80) != 0;
    std::uint64_t length = head[1] & 0x7f;
    if (length == 126 || length == 127) {
      unsigned char ext[8];
      int n = length == 126 ? 2 : 8;
      if (!read_exact(reinterpret_cast<char*>(ext), n, deadline)) return std::nullopt;
      length = 0;
      for (int i = 0; i < n; ++i) length = (length << 8) | ext[i];
    }
    unsigned char mask[4] = {0, 0, 0, 0};
    if (frame.masked && !read_exact(reinterpret_cast<char*>(mask), 4, deadline)) {
      return std::nullopt;
    }
    frame.payload.resize(length);
    if (length > 0 && !read_exact(frame.payload.data(), length, deadline)) return std::nullopt;
    for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= mask[i % 4];
    return frame;
  }

  // Reads (and discards) until the server closes the TCP connection; whether it
  // did within the timeout.
  bool wait_eof(std::chrono::milliseconds timeout) { return connection_.closed_by_peer(timeout); }

  // Bytes that arrived for us unread (the server's writes).
  int pending_bytes() const { return connection_.pending_bytes(); }

  // Sends bytes as they are.
  bool send_bytes(const std::string& bytes) { return connection_.send(bytes); }

 private:
  bool read_exact(char* out, std::size_t size, std::chrono::steady_clock::time_point deadline) {
    return connection_.read_exact(out, size, deadline);
  }

  test::RawConnection connection_;
  std::uint16_t port_ = 0;
};

}  // namespace chorus::wstest
