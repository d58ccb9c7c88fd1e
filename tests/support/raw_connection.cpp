#include "tests/support/raw_connection.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace chorus::test {
namespace {

constexpr char head_end[] = "\r\n\r\n";

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") + 1 - begin);
}

// "HTTP/1.1 200 OK\r\nName: value\r\n..." (without the blank line): status and fields.
std::optional<HttpResponse> parse_head(const std::string& head) {
  auto line_end = std::min(head.find("\r\n"), head.size());
  auto space = head.find(' ');
  if (space == std::string::npos || space > line_end) return std::nullopt;
  HttpResponse response;
  try {
    response.status = static_cast<unsigned>(std::stoul(head.substr(space + 1, 3)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (auto at = line_end + 2; at < head.size();) {
    auto end = std::min(head.find("\r\n", at), head.size());
    auto line = head.substr(at, end - at);
    at = end + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers[lower(line.substr(0, colon))] = trimmed(line.substr(colon + 1));
  }
  response.keep_alive = lower(response.header("connection")) != "close";
  return response;
}

}  // namespace

RawConnection::RawConnection(std::uint16_t port, int receive_buffer) {
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
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::can_connect(std::uint16_t port) {
  try {
    RawConnection probe(port);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<HttpResponse> RawConnection::read_response(std::chrono::milliseconds timeout,
                                                         bool with_body) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto response = parse(with_body)) return response;
    if (!fill(deadline)) return parse(with_body);
  }
}

bool RawConnection::read_exact(char* out, std::size_t size, Deadline deadline) {
  while (buffer_.size() < size) {
    if (!fill(deadline)) return false;
  }
  std::memcpy(out, buffer_.data(), size);
  buffer_.erase(0, size);
  return true;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) buffer_.clear();
  buffer_.clear();
  return eof_;
}

int RawConnection::pending_bytes() const {
  int n = 0;
  ::ioctl(fd_, FIONREAD, &n);
  return n + static_cast<int>(buffer_.size());
}

bool RawConnection::fill(Deadline deadline) {
  for (;;) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    auto ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[16384];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<HttpResponse> RawConnection::parse(bool with_body) {
  auto end = buffer_.find(head_end);
  if (end == std::string::npos) return std::nullopt;
  auto response = parse_head(buffer_.substr(0, end));
  if (!response) return std::nullopt;
  auto consumed = end + sizeof head_end - 1;
  auto length_field = response->header("content-length");
  if (with_body && !length_field.empty()) {
    std::size_t length = 0;
    try {
      length = std::stoul(length_field);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (buffer_.size() < consumed + length) return std::nullopt;
    response->body = buffer_.substr(consumed, length);
    consumed += length;
  }
  buffer_.erase(0, consumed);
  return response;
}

}  // namespace chorus::test
