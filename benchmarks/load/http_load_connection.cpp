#include "http_load_connection.hpp"

#include <memory>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chorus::bench {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto io_timeout = std::chrono::seconds(10);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, const HttpRequest& request, LoadPlan& plan,
             std::function<void()> closed)
      : stream_(net::make_strand(io)),
        timer_(stream_.get_executor()),
        request_(request),
        plan_(plan),
        closed_(std::move(closed)) {}
  ~Connection() {
    if (closed_) closed_();
  }

  void start(const tcp::endpoint& endpoint) {
    stream_.expires_after(io_timeout);
    stream_.async_connect(endpoint,
                          beast::bind_front_handler(&Connection::on_connect, shared_from_this()));
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return give_up();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    next();
  }

  void next() {
    auto now = Clock::now();
    auto turn = plan_.next(now);
    if (turn.kind == Turn::stop) return close();
    if (turn.kind == Turn::wait) {
      timer_.expires_at(turn.until);
      return timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->next();
      });
    }
    sent_at_ = now;
    stream_.expires_after(io_timeout);
    http::async_write(stream_, request_,
                      beast::bind_front_handler(&Connection::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return give_up();
    response_ = {};
    http::async_read(stream_, buffer_, response_,
                     beast::bind_front_handler(&Connection::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return give_up();
    plan_.answered(response_, Clock::now() - sent_at_);
    if (!response_.keep_alive()) return give_up();  // the server closed on us
    next();
  }

  // A broken connection is not reopened: the plan hears of it and it closes.
  void give_up() {
    plan_.broken();
    close();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  const HttpRequest& request_;
  HttpResponse response_;
  Clock::time_point sent_at_;
  LoadPlan& plan_;
  std::function<void()> closed_;
};

}  // namespace

void start_load_connection(net::io_context& io, const tcp::endpoint& endpoint,
                           const HttpRequest& request, LoadPlan& plan,
                           std::function<void()> closed) {
  std::make_shared<Connection>(io, request, plan, std::move(closed))->start(endpoint);
}

}  // namespace chorus::bench
