#include "tests/support/ws_client.hpp"

#include <deque>
#include <functional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace chorus::test {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port);
}

// Runs `io` until `done()` or the deadline; false on timeout.
bool run_until(net::io_context& io, const std::function<bool()>& done, Clock::time_point deadline) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    io.restart();
    // Out of work: nothing can complete any more.
    if (io.run_one_until(deadline) == 0 && io.stopped()) return done();
  }
  return true;
}

HttpResponse to_response(const websocket::response_type& answer) {
  HttpResponse response;
  response.status = answer.result_int();
  for (const auto& field : answer) {
    response.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  }
  response.body = answer.body();
  response.keep_alive = answer.keep_alive();
  return response;
}

}  // namespace

struct WsClient::State {
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
};

std::shared_ptr<net::io_context> WsClient::shared_context() {
  return std::make_shared<net::io_context>(1);
}

WsClient::WsClient(std::uint16_t port, Options options)
    : port_(port), options_(std::move(options)) {
  auto io = options_.io ? options_.io : shared_context();
  s_ = std::make_shared<State>(std::move(io));
  auto* state = s_.get();
  s_->ws.control_callback([state](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) ++state->pings;
  });
}

WsClient::~WsClient() {
  abort();
}

unsigned WsClient::connect(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
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
  bool answered = finish(done, deadline);
  response_ = to_response(s_->response);
  if (!answered) return 0;
  error_ = ec;
  if (ec) return s_->response.result_int();
  s_->open = true;
  s_->ws.text(true);
  State::pump(s_);
  return 101;
}

bool WsClient::send(const std::string& text, std::chrono::milliseconds timeout) {
  if (!s_->open || s_->closed) return false;
  auto deadline = Clock::now() + timeout;
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

std::optional<std::string> WsClient::read(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (s_->inbox.empty() && !s_->closed) {
    State::pump(s_);
    auto s = s_.get();
    run_until(
        *s_->io, [s] { return !s->inbox.empty() || s->closed; }, deadline);
  }
  if (s_->inbox.empty()) return std::nullopt;
  auto message = std::move(s_->inbox.front());
  s_->inbox.pop_front();
  return message;
}

void WsClient::idle(std::chrono::milliseconds duration) {
  wait_closed(duration);
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  State::pump(s_);
  auto s = s_.get();
  return run_until(
      *s_->io, [s] { return s->closed; }, Clock::now() + timeout);
}

void WsClient::requeue(const std::vector<std::string>& messages) {
  s_->inbox.insert(s_->inbox.begin(), messages.begin(), messages.end());
}

void WsClient::start_reading() {
  State::pump(s_);
}
std::size_t WsClient::queued() const {
  return s_->inbox.size();
}
bool WsClient::is_open() const {
  return s_->open && !s_->closed;
}
bool WsClient::closed() const {
  return s_->closed;
}
unsigned WsClient::close_code() const {
  return s_->close_code;
}
boost::system::error_code WsClient::read_error() const {
  return s_->read_error;
}
int WsClient::pings() const {
  return s_->pings;
}

void WsClient::close(std::chrono::milliseconds timeout) {
  if (!s_->open || s_->closed) return;
  auto deadline = Clock::now() + timeout;
  bool done = false;
  auto s = s_;
  s_->ws.async_close(websocket::close_code::normal, [s, &done](beast::error_code) { done = true; });
  finish(done, deadline);
  auto raw = s_.get();
  run_until(
      *s_->io, [raw] { return raw->closed; }, deadline);
}

void WsClient::begin_close() {
  if (!s_->open || s_->closed) return;
  auto s = s_;
  s_->ws.async_close(websocket::close_code::normal, [s](beast::error_code) {});
}

void WsClient::abort() {
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
      *s_->io, [s] { return !s->reading; }, Clock::now() + std::chrono::seconds(2));
}

bool WsClient::finish(bool& done, Deadline deadline) {
  if (run_until(
          *s_->io, [&] { return done; }, deadline))
    return true;
  beast::error_code ignored;
  beast::get_lowest_layer(s_->ws).socket().close(ignored);
  run_until(
      *s_->io, [&] { return done; }, Clock::now() + std::chrono::seconds(2));
  s_->open = false;
  return false;
}

unsigned RawWsPeer::Frame::close_code() const {
  if (payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

unsigned RawWsPeer::upgrade(const std::string& target, std::chrono::milliseconds timeout) {
  if (!send_upgrade(target)) return 0;
  return upgrade_status(timeout);
}

bool RawWsPeer::send_upgrade(const std::string& target, const Upgrade& upgrade) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  if (upgrade.key) request += "Sec-WebSocket-Key: " + *upgrade.key + "\r\n";
  if (upgrade.version) request += "Sec-WebSocket-Version: " + *upgrade.version + "\r\n";
  for (auto& [name, value] : upgrade.extra) request += name + ": " + value + "\r\n";
  return send_bytes(request + "\r\n" + upgrade.trailing);
}

bool RawWsPeer::send_close(unsigned code, const std::string& reason) {
  std::string payload;
  payload.push_back(static_cast<char>((code >> 8) & 0xff));
  payload.push_back(static_cast<char>(code & 0xff));
  return send_frame(payload + reason, 8);
}

std::string RawWsPeer::frame_bytes(const std::string& payload, int opcode, bool fin, bool masked) {
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

std::optional<RawWsPeer::Frame> RawWsPeer::read_frame(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto read_exact = [&](void* out, std::size_t size) {
    return connection_.read_exact(static_cast<char*>(out), size, deadline);
  };
  unsigned char head[2];
  if (!read_exact(head, 2)) return std::nullopt;
  Frame frame;
  frame.opcode = head[0] & 0x0f;
  frame.fin = (head[0] & 0x80) != 0;
  frame.masked = (head[1] & 0x80) != 0;
  std::uint64_t length = head[1] & 0x7f;
  if (length == 126 || length == 127) {
    unsigned char ext[8];
    int n = length == 126 ? 2 : 8;
    if (!read_exact(ext, n)) return std::nullopt;
    length = 0;
    for (int i = 0; i < n; ++i) length = (length << 8) | ext[i];
  }
  unsigned char mask[4] = {0, 0, 0, 0};
  if (frame.masked && !read_exact(mask, 4)) return std::nullopt;
  frame.payload.resize(length);
  if (length > 0 && !read_exact(frame.payload.data(), length)) return std::nullopt;
  for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= mask[i % 4];
  return frame;
}

}  // namespace chorus::test
