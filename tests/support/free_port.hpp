#pragma once
// A port nobody holds right now, for a server a test starts: the kernel's pick
// for port 0, read back and let go at once. Someone may take it before the server
// binds it, so a caller retries with another when the server says so.

#include <netinet/in.h>

#include <cstdint>

namespace chorus::test {

// `type`: SOCK_STREAM (TCP) or SOCK_DGRAM (UDP); `host` in network order.
// Throws std::runtime_error when no port can be had.
std::uint16_t free_port(int type, in_addr_t host);

inline std::uint16_t free_loopback_port() {
  return free_port(SOCK_STREAM, htonl(INADDR_LOOPBACK));
}

}  // namespace chorus::test
