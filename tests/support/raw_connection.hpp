#pragma once
// A plain TCP connection to 127.0.0.1 for what a well-behaved client never does:
// hand-made (broken, partial) requests, upgrades done byte by byte, a peer that
// stops reading. It sends exactly the bytes it is given and reads only when asked,
// every read bounded by a deadline.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/support/http_response.hpp"

namespace chorus::test {

class RawConnection {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Connects at once (throws std::runtime_error when refused); a `receive_buffer`
  // above 0 sets SO_RCVBUF first.
  explicit RawConnection(std::uint16_t port, int receive_buffer = 0);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Whether a connection to 127.0.0.1:port is accepted at all.
  static bool can_connect(std::uint16_t port);

  // Sends all of `bytes` (or as much as the peer takes); false once the peer is gone.
  bool send(const std::string& bytes);

  // Reads one response's head and, with `with_body`, its Content-Length bytes of
  // body, within `timeout`; nullopt if none arrived whole. What follows stays
  // buffered for the next read.
  std::optional<HttpResponse> read_response(std::chrono::milliseconds timeout,
                                            bool with_body = true);
  // Exactly `size` bytes by the deadline; false if they did not all come.
  bool read_exact(char* out, std::size_t size, Deadline deadline);

  // Whether the peer closes the connection (EOF or reset) within `timeout`; what
  // arrives meanwhile is discarded.
  bool closed_by_peer(std::chrono::milliseconds timeout);

  // Bytes that arrived and are not read yet.
  int pending_bytes() const;

 private:
  // Reads what is available, waiting until `deadline`; false on EOF, error or timeout.
  bool fill(Deadline deadline);
  std::optional<HttpResponse> parse(bool with_body);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace chorus::test
