#pragma once
// The HTTP/1.1 server under chorusd: a listener that accepts on its own strand and
// a session per connection, each on its own strand, with explicit timeouts (a
// client that sends half a request and stalls is dropped without holding anyone
// up), keep-alive, header and body limits, one request in flight per connection
// and a cap on connections. When accept fails (out of file descriptors above all)
// the listener backs off instead of retrying at once.
// What a request means is the HttpHandler's business.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/beast/core/tcp_stream.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "config/http_options.hpp"

namespace chorus {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
// Sends the response for one request; callable once, from any thread.
using HttpResponder = std::function<void(HttpResponse)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void handle(HttpRequest request, HttpResponder respond) = 0;
  // The answer when the request itself is unreadable (too large, malformed), or when the
  // server is too busy to read it (503). `message` never holds request bytes.
  // `sent_request_id` is the request's X-Request-Id when its field was read before the
  // request was refused, else empty: the client's raw bytes, to be checked before use.
  virtual HttpResponse refuse(boost::beast::http::status status, const std::string& message,
                              std::string_view sent_request_id) = 0;
};

// Takes over connections whose request asks for an upgrade (the WebSocket gateway).
class UpgradeHandler {
 public:
  virtual ~UpgradeHandler() = default;
  virtual bool wants(const HttpRequest& request) const = 0;
  // The refusal to answer instead of upgrading, or nullopt to go on.
  virtual std::optional<HttpResponse> check(const HttpRequest& request) const = 0;
  // Takes over the connection, with the bytes read past the request.
  virtual void adopt(boost::beast::tcp_stream stream, HttpRequest request,
                     std::string_view already_read) = 0;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
             HttpHandler& handler, HttpLimits limits = {}, UpgradeHandler* upgrades = nullptr);
  ~HttpServer();

  // The bound address (with the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  // Stops accepting; open sessions finish their request and close.
  void stop();
  std::size_t open_sessions() const noexcept { return sessions_->load(); }

 private:
  class Listener;
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<std::atomic<std::size_t>> sessions_;
};

}  // namespace chorus
