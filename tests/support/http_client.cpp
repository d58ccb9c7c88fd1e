#include "tests/support/http_client.hpp"

#include <stdexcept>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chorus::test {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

constexpr std::uint64_t body_limit = 64 * 1024 * 1024;

http::request<http::string_body> make_request(std::uint16_t port, const std::string& method,
                                              const std::string& target, const std::string& body) {
  http::request<http::string_body> req;
  auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.keep_alive(true);
  req.body() = body;
  return req;
}

HttpResponse to_response(http::response<http::string_body>&& res) {
  HttpResponse out;
  out.status = res.result_int();
  for (auto& field : res) {
    out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  }
  out.body = std::move(res.body());
  out.keep_alive = res.keep_alive();
  return out;
}

}  // namespace

struct HttpClient::Connection {
  Connection(std::uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t), stream(io) {}

  void connect() {
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    beast::error_code ec;
    stream.expires_after(timeout);
    stream.async_connect(endpoint, [&](beast::error_code e) { ec = e; });
    run();
    if (ec) fail("connect", ec);
    open = true;
    ++connections;
  }

  HttpResponse exchange(http::request<http::string_body>& req) {
    if (!open) connect();
    beast::error_code ec;
    stream.expires_after(timeout);
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) fail("write", ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    stream.expires_after(timeout);
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) fail("read", ec);
    auto out = to_response(parser.release());
    if (!out.keep_alive) close();
    return out;
  }

  void run() {
    io.restart();
    io.run();
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }

  [[noreturn]] void fail(const char* what, const beast::error_code& ec) {
    close();
    throw std::runtime_error(std::string("http ") + what + " to 127.0.0.1:" + std::to_string(port) +
                             ": " + ec.message());
  }

  std::uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context io;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool open = false;
  int connections = 0;
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : connection_(std::make_unique<Connection>(port, timeout)) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const Headers& headers) {
  auto req = make_request(connection_->port, method, target, body);
  for (auto& [name, value] : default_headers) req.set(name, value);
  for (auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
  return connection_->exchange(req);
}

int HttpClient::connections() const {
  return connection_->connections;
}

void HttpClient::close() {
  connection_->close();
}

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body, const Headers& headers,
                          std::chrono::milliseconds timeout) {
  Headers fields = headers;
  bool typed = false;
  for (auto& [name, value] : headers) typed = typed || lower(name) == "content-type";
  if (!typed && (!body.empty() || method == "POST")) {
    fields.emplace_back("Content-Type", "application/json");
  }
  fields.emplace_back("Connection", "close");
  try {
    HttpClient client(port, timeout);
    return client.request(method, target, body, fields);
  } catch (const std::exception& e) {
    HttpResponse none;
    none.error = e.what();
    return none;
  }
}

}  // namespace chorus::test
