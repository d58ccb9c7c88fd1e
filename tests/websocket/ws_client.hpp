#pragma once
// Clients for the WebSocket tests, all synchronous with a timeout on every
// operation, and only ever connecting to 127.0.0.1:
// - http_request(): one HTTP/1.1 request on its own connection (REST calls);
// - WsClient: a Beast WebSocket client. Its socket is read only while one of its
//   calls runs, so a client the test leaves alone does not read at all (a stalled
//   consumer); while it runs, it answers pings as a browser would. Several clients
//   may share one io_context (the 1,000-connection test);
// - RawWsPeer: a plain TCP socket that completes the upgrade by hand and then
//   does exactly what the test says (nothing at all, for a dead peer).

#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
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

namespace chorus::wstest {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using Headers = std::vector<std::pair<std::string, std::string>>;

inline tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port);
}

struct HttpAnswer {
  unsigned status = 0;  // 0: no answer (connection failed or timed out)
  std::string body;
  std::string error;  // why there was no answer
};

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

// One HTTP/1.1 request to 127.0.0.1:port on a fresh connection.
inline HttpAnswer http_request(std::uint16_t port, http::verb method, const std::string& target,
                               const std::string& body = "", const Headers& headers = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  net::io_context io;
  beast::tcp_stream stream(io);
  HttpAnswer answer;
  beast::error_code ec;
  bool done = false;
  stream.expires_after(timeout);
  stream.async_connect(loopback(port), [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  io.run();
  if (!done || ec) {
    answer.error = "connect: " + ec.message();
    return answer;
  }
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == http::verb::post) {
    if (request[http::field::content_type].empty()) {
      request.set(http::field::content_type, "application/json");
    }
    request.body() = body;
    request.prepare_payload();
  }
  request.keep_alive(false);
  stream.expires_after(timeout);
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) { ec = e; });
  io.restart();
  io.run();
  if (ec) {
    answer.error = "write: " + ec.message();
    return answer;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  stream.expires_after(timeout);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  io.restart();
  io.run();
  if (ec) {
    answer.error = "read: " + ec.message();
    return answer;
  }
  answer.status = parser.get().result_int();
  answer.body = parser.get().body();
  return answer;
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

  // An HTTP answer: the status, the header fields (names in lower case) and the
  // body when it has a Content-Length.
  struct Response {
    unsigned status = 0;  // 0: no (complete) answer within the timeout
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    // The first field of that name (case-insensitive), or "" when absent.
    std::string field(std::string name) const {
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& [n, v] : fields) {
        if (n == name) return v;
      }
      return {};
    }
    bool has(std::string name) const {
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& f : fields) {
        if (f.first == name) return true;
      }
      return false;
    }
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

  explicit RawWsPeer(std::uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
    }
    port_ = port;
  }
  ~RawWsPeer() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawWsPeer(const RawWsPeer&) = delete;
  RawWsPeer& operator=(const RawWsPeer&) = delete;

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
  // its body (nothing after it).
  Response read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                         bool body = true) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Response response;
    std::string head;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
      char c;
      if (!read_exact(&c, 1, deadline)) return response;
      head.push_back(c);
    }
    auto line_end = head.find("\r\n");
    auto space = head.find(' ');
    if (space == std::string::npos || space > line_end) return response;
    unsigned status = static_cast<unsigned>(std::stoul(head.substr(space + 1, 3)));
    for (auto at = line_end + 2; at < head.size() - 2;) {
      auto end = head.find("\r\n", at);
      auto line = head.substr(at, end - at);
      at = end + 2;
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      auto name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      response.fields.emplace_back(std::move(name), std::move(value));
    }
    if (body) {
      auto length = response.field("Content-Length");
      if (!length.empty()) {
        response.body.resize(std::stoul(length));
        if (!response.body.empty() &&
            !read_exact(response.body.data(), response.body.size(), deadline)) {
          return response;
        }
      }
    }
    response.status = status;
    return response;
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
  bool wait_eof(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char chunk[65536];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;
    }
  }

  // Bytes the kernel holds for us unread (the server's writes that arrived).
  int pending_bytes() const {
    int n = 0;
    ::ioctl(fd_, FIONREAD, &n);
    return n;
  }

  // Sends bytes as they are.
  bool send_bytes(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  bool read_exact(char* out, std::size_t size, std::chrono::steady_clock::time_point deadline) {
    std::size_t got = 0;
    while (got < size) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      auto n = ::recv(fd_, out + got, size - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace chorus::wstest
