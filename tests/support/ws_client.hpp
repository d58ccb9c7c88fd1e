#pragma once
// Clients for the WebSocket tests (and the soak benchmark), all synchronous with a
// timeout on every operation, and only ever connecting to 127.0.0.1 (REST calls go
// through http_request()):
// - WsClient: a Beast WebSocket client. Its socket is read only while one of its
//   calls runs, so a client the test leaves alone does not read at all (a stalled
//   consumer); while it runs, it answers pings as a browser would. Several clients
//   may share one io_context (the 1,000-connection test);
// - RawWsPeer: a plain TCP socket that completes the upgrade by hand and then
//   does exactly what the test says (nothing at all, for a dead peer).
// Beast stays in ws_client.cpp: its WebSocket stream compiled into every test file
// cost each of them half a minute of build.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace boost::asio {
class io_context;
}

namespace chorus::test {

struct WsOptions {
  std::string target = "/v1.0/ws";
  Headers headers;
  int receive_buffer = 0;                       // SO_RCVBUF set before connecting; 0 = the system's
  std::shared_ptr<boost::asio::io_context> io;  // shared with other clients; null = its own
};

class WsClient {
 public:
  using Options = WsOptions;

  // An io_context for clients to share (Options::io); their calls run it.
  static std::shared_ptr<boost::asio::io_context> shared_context();

  explicit WsClient(std::uint16_t port, Options options = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and asks for the upgrade. The HTTP status of the answer: 101 when
  // upgraded, the refusal's status (401, 404, 503) otherwise, 0 when none came.
  unsigned connect(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The handshake's answer (its body explains a refusal).
  const HttpResponse& handshake_response() const { return response_; }

  // Sends one text message; false if it could not be sent within the timeout.
  bool send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The next message, waiting up to `timeout`; nullopt on timeout or once closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout);

  // Runs for `duration` with a read pending: queues messages, answers pings.
  void idle(std::chrono::milliseconds duration);

  // Waits until the server closes the connection; whether it did within `timeout`.
  // Messages before the close stay queued for read().
  bool wait_closed(std::chrono::milliseconds timeout);

  // Puts messages back in front of the queue, in their order, for read() to
  // return again.
  void requeue(const std::vector<std::string>& messages);

  // Starts reading in the background (for clients sharing an io_context that is
  // run elsewhere).
  void start_reading();
  std::size_t queued() const;

  bool is_open() const;
  bool closed() const;
  // The close frame's code when the server closed with one; 0 otherwise.
  unsigned close_code() const;
  boost::system::error_code read_error() const;
  boost::system::error_code error() const { return error_; }
  int pings() const;

  // The closing handshake, as a polite client does it.
  void close(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Starts the closing handshake without waiting for it (see wait_closed()).
  void begin_close();

  // Drops the TCP connection without a closing handshake.
  void abort();

 private:
  struct State;
  using Deadline = std::chrono::steady_clock::time_point;

  // Runs until `done`; on timeout, drops the connection and lets the operation end.
  bool finish(bool& done, Deadline deadline);

  std::uint16_t port_;
  Options options_;
  std::shared_ptr<State> s_;
  HttpResponse response_;
  boost::system::error_code error_;
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
    unsigned close_code() const;
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
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool send_upgrade(const std::string& target) { return send_upgrade(target, Upgrade{}); }
  bool send_upgrade(const std::string& target, const Upgrade& upgrade);
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
  bool send_close(unsigned code, const std::string& reason = "");
  // The bytes of a client frame, for sending several in one write.
  static std::string frame_bytes(const std::string& payload, int opcode = 1, bool fin = true,
                                 bool masked = true);

  // Reads one server frame within the timeout.
  std::optional<Frame> read_frame(std::chrono::milliseconds timeout);

  // Reads (and discards) until the server closes the TCP connection; whether it
  // did within the timeout.
  bool wait_eof(std::chrono::milliseconds timeout) { return connection_.closed_by_peer(timeout); }

  // Bytes that arrived for us unread (the server's writes).
  int pending_bytes() const { return connection_.pending_bytes(); }

  // Sends bytes as they are.
  bool send_bytes(const std::string& bytes) { return connection_.send(bytes); }

 private:
  RawConnection connection_;
  std::uint16_t port_ = 0;
};

}  // namespace chorus::test
