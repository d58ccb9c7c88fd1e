#include "transport/http_server.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chorus {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A connection's place in the HTTP count: taken on accept, given back when the session
// ends or the connection leaves HTTP for the WebSocket gateway, whichever comes first.
class HttpSlot {
 public:
  explicit HttpSlot(std::shared_ptr<std::atomic<std::size_t>> count) : count_(std::move(count)) {
    ++*count_;
  }
  HttpSlot(const HttpSlot&) = delete;
  HttpSlot& operator=(const HttpSlot&) = delete;
  ~HttpSlot() { release(); }

  void release() {
    if (count_) --*std::exchange(count_, nullptr);
  }

 private:
  std::shared_ptr<std::atomic<std::size_t>> count_;
};

// One connection: read a request, hand it over, write the answer, repeat.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpHandler& handler, UpgradeHandler* upgrades,
          const HttpLimits& limits, std::shared_ptr<std::atomic<std::size_t>> sessions,
          std::shared_ptr<std::atomic<bool>> stopping)
      : stream_(std::move(socket)),
        handler_(handler),
        upgrades_(upgrades),
        limits_(limits),
        slot_(std::move(sessions)),
        stopping_(std::move(stopping)) {}

  void start() {
    // Everything a session does runs on its strand.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this(), true));
  }

 private:
  void read(bool first) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    parser_->body_limit(limits_.body_bytes);
    // A new connection must send its request promptly; a kept-alive one may idle.
    stream_.expires_after(first ? limits_.read_timeout : limits_.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    // Once the header is in, the rest of the request must follow within the read timeout.
    stream_.expires_after(limits_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return write(refuse(http::status::payload_too_large,
                          "the body exceeds " + std::to_string(limits_.body_bytes) + " bytes"),
                   false);
    }
    if (ec == http::error::header_limit) return write(header_too_large(), false);
    spdlog::debug("http: unreadable request: {}", ec.message());
    write(refuse(http::status::bad_request, "malformed HTTP request: " + ec.message()), false);
  }

  // The handler's refusal, with the client's request id when it was read: the parser
  // keeps each header field only once its line is whole, so a field it holds is the
  // client's, whatever came after it.
  HttpResponse refuse(http::status status, const std::string& message) {
    std::string_view sent;
    if (parser_) {
      auto id = parser_->get()["X-Request-Id"];
      sent = std::string_view(id.data(), id.size());
    }
    return handler_.refuse(status, message, sent);
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto request = parser_->release();
    if (upgrades_ && upgrades_->wants(request)) return upgrade(std::move(request));
    bool keep_alive = request.keep_alive() && !stopping_->load();
    auto self = shared_from_this();
    stream_.expires_never();  // the handler may answer later, e.g. after a hangup
    handler_.handle(std::move(request), [self, keep_alive](HttpResponse response) {
      net::dispatch(self->stream_.get_executor(),
                    [self, keep_alive, r = std::move(response)]() mutable {
                      self->write(std::move(r), keep_alive);
                    });
    });
  }

  // Beast says header_limit both for a long request line and for long header fields. It
  // parses (and consumes) the request line as soon as it is whole, so whether the method
  // is known yet tells which of the two overflowed.
  HttpResponse header_too_large() {
    auto limit = std::to_string(limits_.header_bytes);
    if (parser_->get().method_string().empty()) {
      return refuse(http::status::uri_too_long, "the request line exceeds " + limit + " bytes");
    }
    return refuse(http::status::request_header_fields_too_large,
                  "the header fields exceed " + limit + " bytes");
  }

  // The connection leaves HTTP: refused with an answer, or handed over whole.
  void upgrade(HttpRequest request) {
    if (auto refusal = upgrades_->check(request)) return write(std::move(*refusal), false);
    stream_.expires_never();
    // The connection stops counting as HTTP before the gateway may answer 101: a client
    // that has read its 101 finds the HTTP slot already free.
    slot_.release();
    auto rest = buffer_.cdata();  // what the client sent after the request, if anything
    upgrades_->adopt(std::move(stream_), std::move(request),
                     std::string_view(static_cast<const char*>(rest.data()), rest.size()));
  }

  void write(HttpResponse response, bool keep_alive) {
    response.keep_alive(keep_alive);
    response.prepare_payload();
    response_ = std::make_unique<HttpResponse>(std::move(response));
    stream_.expires_after(limits_.write_timeout);
    http::async_write(
        stream_, *response_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return close();
    response_.reset();
    if (!keep_alive) return close();
    read(false);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  HttpHandler& handler_;
  UpgradeHandler* upgrades_;
  HttpLimits limits_;
  HttpSlot slot_;
  std::shared_ptr<std::atomic<bool>> stopping_;
};

// A connection over the cap: answered 503 at once, without reading its request, and
// closed. It holds its socket only while that short answer is written.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket&& socket, HttpResponse response, std::chrono::seconds write_timeout)
      : stream_(std::move(socket)), response_(std::move(response)) {
    response_.keep_alive(false);
    response_.prepare_payload();
    stream_.expires_after(write_timeout);
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      http::async_write(self->stream_, self->response_, [self](beast::error_code, std::size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        self->stream_.close();
      });
    });
  }

 private:
  beast::tcp_stream stream_;
  HttpResponse response_;
};

// How long the listener waits before accepting again after accept failed. Out of file
// descriptors (EMFILE, ENFILE) accept fails at once for as long as the condition lasts, so
// retrying at once spins a core; the wait doubles up to a second and restarts on success.
class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds first{10};
  static constexpr std::chrono::milliseconds longest{1000};

  std::chrono::milliseconds next() {
    auto wait = wait_;
    wait_ = std::min(wait_ * 2, longest);
    return wait;
  }
  void reset() { wait_ = first; }

 private:
  std::chrono::milliseconds wait_ = first;
};

// The accept failures in the log: at most one line a second, saying how many it stands
// for, so that a daemon out of file descriptors does not also fill the disk.
class AcceptFailureLog {
 public:
  static constexpr std::chrono::seconds interval{1};

  void failed(const beast::error_code& ec, std::chrono::milliseconds retry_in) {
    ++failures_;
    ++unreported_;
    auto now = std::chrono::steady_clock::now();
    if (now < quiet_until_) return;
    quiet_until_ = now + interval;
    if (unreported_ == 1) {
      spdlog::warn("http: accept failed: {}; retrying in {} ms", ec.message(), retry_in.count());
    } else {
      spdlog::warn("http: accept failed: {} ({} times since the last report); retrying in {} ms",
                   ec.message(), unreported_, retry_in.count());
    }
    unreported_ = 0;
  }
  void succeeded() {
    if (failures_ == 0) return;
    spdlog::info("http: accepting again after {} failed accepts", failures_);
    failures_ = unreported_ = 0;
    quiet_until_ = {};
  }

 private:
  std::size_t failures_ = 0;    // since the last success
  std::size_t unreported_ = 0;  // since the last line logged
  std::chrono::steady_clock::time_point quiet_until_{};
};

}  // namespace

class HttpServer::Listener : public std::enable_shared_from_this<HttpServer::Listener> {
 public:
  Listener(net::io_context& io, const tcp::endpoint& endpoint, HttpHandler& handler,
           HttpLimits limits, UpgradeHandler* upgrades,
           std::shared_ptr<std::atomic<std::size_t>> sessions)
      : io_(io),
        acceptor_(net::make_strand(io)),
        retry_timer_(acceptor_.get_executor()),
        handler_(handler),
        upgrades_(upgrades),
        limits_(limits),
        sessions_(std::move(sessions)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void start() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::accept, shared_from_this()));
  }

  void stop() {
    stopping_->store(true);
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_timer_.cancel();
    });
  }

 private:
  void accept() {
    // Each connection gets its own strand.
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) return retry_later(ec);
    backoff_.reset();
    failure_log_.succeeded();
    socket.set_option(tcp::no_delay(true), ec);
    // Sessions are only ever added here, on the acceptor's strand, so the count cannot
    // pass the cap between this check and the session's start.
    if (sessions_->load() >= limits_.max_connections) {
      std::make_shared<Refusal>(std::move(socket), busy(), limits_.write_timeout)->start();
    } else {
      std::make_shared<Session>(std::move(socket), handler_, upgrades_, limits_, sessions_,
                                stopping_)
          ->start();
    }
    accept();
  }

  void retry_later(const beast::error_code& ec) {
    auto wait = backoff_.next();
    failure_log_.failed(ec, wait);
    retry_timer_.expires_after(wait);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (timer_ec || !self->acceptor_.is_open()) return;
      self->accept();
    });
  }

  HttpResponse busy() {
    return handler_.refuse(http::status::service_unavailable,
                           "at most " + std::to_string(limits_.max_connections) +
                               " HTTP connections at once; try again later",
                           {});
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;  // on the acceptor's strand
  AcceptBackoff backoff_;
  AcceptFailureLog failure_log_;
  HttpHandler& handler_;
  UpgradeHandler* upgrades_;
  HttpLimits limits_;
  std::shared_ptr<std::atomic<std::size_t>> sessions_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
};

HttpServer::HttpServer(net::io_context& io, const tcp::endpoint& endpoint, HttpHandler& handler,
                       HttpLimits limits, UpgradeHandler* upgrades)
    : sessions_(std::make_shared<std::atomic<std::size_t>>(0)) {
  listener_ = std::make_shared<Listener>(io, endpoint, handler, limits, upgrades, sessions_);
}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::local_endpoint() const {
  return listener_->local_endpoint();
}

void HttpServer::start() {
  listener_->start();
}

void HttpServer::stop() {
  listener_->stop();
}

}  // namespace chorus
