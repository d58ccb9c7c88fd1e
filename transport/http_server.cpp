#include "transport/http_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chorus {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

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
        sessions_(std::move(sessions)),
        stopping_(std::move(stopping)) {
    ++*sessions_;
  }
  ~Session() { --*sessions_; }

  void start() {
    // Everything a session does runs on its strand.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this(), true));
  }

 private:
  void read(bool first) {
    parser_.emplace();
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
      return write(
          handler_.refuse(http::status::payload_too_large,
                          "the body exceeds " + std::to_string(limits_.body_bytes) + " bytes"),
          false);
    }
    spdlog::debug("http: unreadable request: {}", ec.message());
    write(handler_.refuse(http::status::bad_request, "malformed HTTP request: " + ec.message()),
          false);
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

  // The connection leaves HTTP: refused with an answer, or handed over whole.
  void upgrade(HttpRequest request) {
    if (auto refusal = upgrades_->check(request)) return write(std::move(*refusal), false);
    stream_.expires_never();
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
  std::shared_ptr<std::atomic<std::size_t>> sessions_;
  std::shared_ptr<std::atomic<bool>> stopping_;
};

}  // namespace

class HttpServer::Listener : public std::enable_shared_from_this<HttpServer::Listener> {
 public:
  Listener(net::io_context& io, const tcp::endpoint& endpoint, HttpHandler& handler,
           HttpLimits limits, UpgradeHandler* upgrades,
           std::shared_ptr<std::atomic<std::size_t>> sessions)
      : io_(io),
        acceptor_(net::make_strand(io)),
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
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), handler_, upgrades_, limits_, sessions_,
                                stopping_)
          ->start();
    } else {
      spdlog::warn("http: accept failed: {}", ec.message());
    }
    accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
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
