#pragma once
// The HTTP server's limits and their defaults.

#include <chrono>
#include <cstddef>

namespace chorus {

struct HttpLimits {
  std::size_t body_bytes = 1024 * 1024;
  // The request line (else 414), and the header fields together (else 431), each at most this.
  std::size_t header_bytes = 8 * 1024;
  // Connections in HTTP at once, from accept until the session ends or hands the connection
  // to the WebSocket gateway (which keeps its own count). Beyond it: 503 before reading, close.
  std::size_t max_connections = 10000;
  std::chrono::seconds read_timeout{15};  // a request must arrive whole within this
  std::chrono::seconds idle_timeout{60};  // keep-alive connections idle this long close
  std::chrono::seconds write_timeout{15};
};

}  // namespace chorus
