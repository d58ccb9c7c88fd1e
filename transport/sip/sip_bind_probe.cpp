#include "transport/sip/sip_bind_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace chorus {

namespace {

struct Endpoint {
  sockaddr_storage address{};
  socklen_t size = 0;
};

bool numeric(const std::string& host, std::uint16_t port, Endpoint& endpoint) {
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&endpoint.address);
  if (::inet_pton(AF_INET, bare.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    endpoint.size = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&endpoint.address);
  if (::inet_pton(AF_INET6, bare.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    endpoint.size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// 0 when `type` binds, else errno.
int try_bind(const Endpoint& endpoint, int type) {
  int fd = ::socket(endpoint.address.ss_family, type, 0);
  if (fd < 0) return errno;
  int on = 1;
  // As sofia does for its TCP listener, so a TIME_WAIT left by an earlier run
  // does not count as taken.
  if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  int error = ::bind(fd, reinterpret_cast<const sockaddr*>(&endpoint.address), endpoint.size) == 0
                  ? 0
                  : errno;
  ::close(fd);
  return error;
}

}  // namespace

std::string sip_bind_probe(const std::string& host, std::uint16_t port) {
  Endpoint endpoint;
  if (port == 0 || !numeric(host, port, endpoint)) return {};
  for (auto [type, name] : {std::pair{SOCK_DGRAM, "udp"}, std::pair{SOCK_STREAM, "tcp"}}) {
    if (int error = try_bind(endpoint, type); error != 0) {
      return std::string(name) + " " + host + ":" + std::to_string(port) + ": " +
             std::strerror(error);
    }
  }
  return {};
}

}  // namespace chorus
