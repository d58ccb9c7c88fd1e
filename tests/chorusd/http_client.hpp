#pragma once
// A tiny synchronous HTTP/1.1 client on Boost.Beast for the chorusd tests: any
// method, target, headers and body, on one kept-alive connection (reopened only
// when the server closed it), every operation bounded by a timeout. Plus a raw
// socket for what a well-behaved client never sends: malformed or half requests.
// Only ever connects to 127.0.0.1.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chorus::test {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& name) const {
    auto i = headers.find(lower(name));
    return i == headers.end() ? std::string() : i->second;
  }
  bool has_header(const std::string& name) const { return headers.count(lower(name)) > 0; }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : port_(port), timeout_(timeout), stream_(io_) {}

  // Sent with every request (e.g. Authorization), before the request's own.
  Headers default_headers;

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "", const Headers& headers = {}) {
    if (!open_) connect();
    http::request<http::string_body> req;
    auto verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
      req.method_string(method);
    } else {
      req.method(verb);
    }
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    req.keep_alive(true);
    for (auto& [name, value] : default_headers) req.set(name, value);
    for (auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();

    beast::error_code ec;
    stream_.expires_after(timeout_);
    http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) fail("write", ec);

    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) fail("read", ec);

    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    for (auto& field : res) {
      out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    }
    out.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    if (!out.keep_alive) close();
    return out;
  }

  HttpResponse get(const std::string& target, const Headers& headers = {}) {
    return request("GET", target, "", headers);
  }
  HttpResponse del(const std::string& target, const Headers& headers = {}) {
    return request("DELETE", target, "", headers);
  }
  HttpResponse post(const std::string& target, const std::string& body = "",
                    Headers headers = {{"Content-Type", "application/json"}}) {
    return request("POST", target, body, headers);
  }
  HttpResponse put(const std::string& target, const std::string& body,
                   Headers headers = {{"Content-Type", "application/json"}}) {
    return request("PUT", target, body, headers);
  }

  // Connections opened so far: 1 while keep-alive holds.
  int connections() const { return connections_; }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    open_ = false;
  }

 private:
  void connect() {
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port_);
    beast::error_code ec;
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoint, [&](beast::error_code e) { ec = e; });
    run();
    if (ec) fail("connect", ec);
    open_ = true;
    ++connections_;
  }

  void run() {
    io_.restart();
    io_.run();
  }

  [[noreturn]] void fail(const char* what, const beast::error_code& ec) {
    close();
    throw std::runtime_error(std::string("http ") + what +
                             " to 127.0.0.1:" + std::to_string(port_) + ": " + ec.message());
  }

  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool open_ = false;
  int connections_ = 0;
};

// A raw TCP connection to 127.0.0.1:port for hand-made (broken, partial) requests.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
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
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Whether a connection to 127.0.0.1:port is accepted at all.
  static bool can_connect(std::uint16_t port) {
    try {
      RawConnection probe(port);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  // Sends all of `bytes` (or as much as the peer takes); false once the peer is gone.
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads one response (headers, then Content-Length bytes of body) within `timeout`;
  // nullopt if none arrived whole. Bytes after it stay buffered for the next call.
  std::optional<HttpResponse> read_response(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto response = parse()) return response;
      if (!fill(deadline)) return parse();
    }
  }

  // Whether the peer closes the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline)) {
    }
    return eof_;
  }

 private:
  // Reads what is available, waiting until `deadline`; false on EOF, error or timeout.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    auto ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) return false;
    char chunk[16384];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<HttpResponse> parse() {
    auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    HttpResponse response;
    auto head = buffer_.substr(0, end);
    auto line_end = head.find("\r\n");
    auto status_line = head.substr(0, line_end);
    auto space = status_line.find(' ');
    if (space == std::string::npos) return std::nullopt;
    response.status = static_cast<unsigned>(std::stoul(status_line.substr(space + 1, 3)));
    std::size_t length = 0;
    auto pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      auto line = head.substr(pos, next - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        auto name = lower(line.substr(0, colon));
        response.headers[name] = value;
        if (name == "content-length") length = std::stoul(value);
      }
      pos = next + 2;
    }
    if (buffer_.size() < end + 4 + length) return std::nullopt;
    response.body = buffer_.substr(end + 4, length);
    response.keep_alive = lower(response.header("connection")) != "close";
    buffer_.erase(0, end + 4 + length);
    return response;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace chorus::test
