// bench_minimal_http: the transport's own ceiling. A Beast HTTP/1.1 server built
// the way transport/http_server.cpp is built (a listener on its own strand, a
// session per connection on its own strand, a fresh parser per request read in two
// timed phases, keep-alive, one request in flight per connection), but it answers
// every request with the same groupcall JSON and does nothing else. chorusd's GET
// /v1.0/groupcalls/{id} measured against it shows what the REST layer and the
// engine lookup cost on top of Beast itself.
//
//   bench_minimal_http [--port P] [--threads N] [--max-seconds S]
//
// Binds 127.0.0.1 only (port 0 = any free one, printed as
// "listening on http://127.0.0.1:<port>"), stops on SIGTERM/SIGINT, and stops by
// itself after --max-seconds (default 300) so a forgotten run cannot linger.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include "flag_number.hpp"

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A real GET /v1.0/groupcalls/{id} answer from chorusd (a ring_all groupcall with
// one destination, after hangup): 936 bytes, so both servers write the same amount.
constexpr std::string_view groupcall_json =
    R"({"id":"0bd369e3-747d-4c25-95dc-16aa59a22252","customer_id":"085e167a-5de6-4c2a-8555-1ff0a9a6940d",)"
    R"("owner_type":"","owner_id":"00000000-0000-0000-0000-000000000000","status":"hangup",)"
    R"("source":{"type":"tel","target":"+15550100","target_name":"","name":"","detail":""},)"
    R"("destinations":[{"type":"endpoint","target":"w@sim;answer=1;hangup=1","target_name":"",)"
    R"("name":"","detail":""}],"master_call_id":"00000000-0000-0000-0000-000000000000",)"
    R"("master_groupcall_id":"00000000-0000-0000-0000-000000000000","ring_method":"ring_all",)"
    R"("answer_method":"","answer_call_id":"ccf3dd1c-deca-4f61-aab7-beeeeabc2a84",)"
    R"("answer_groupcall_id":"00000000-0000-0000-0000-000000000000",)"
    R"("call_ids":["ccf3dd1c-deca-4f61-aab7-beeeeabc2a84"],"groupcall_ids":[],"call_count":0,)"
    R"("groupcall_count":0,"dial_index":0,"ring_timeout":30,"answer_timeout":0,)"
    R"("tm_create":"2026-11-23 17:34:33.286201","tm_update":"2026-11-23 17:34:33.292152",)"
    R"("tm_delete":"9999-01-01 00:00:00.000000"})";

// The same limits chorusd's HttpServer uses by default, so timer work is equal too.
constexpr std::size_t body_limit = 1024 * 1024;
constexpr auto read_timeout = std::chrono::seconds(15);
constexpr auto idle_timeout = std::chrono::seconds(60);
constexpr auto write_timeout = std::chrono::seconds(15);

struct Options {
  unsigned short port = 0;
  std::size_t threads = 2;
  long max_seconds = 300;
};

using Response = http::response<http::string_body>;

// One connection: read a request, write the fixed answer, repeat.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this(), true));
  }

 private:
  void read(bool first) {
    parser_.emplace();
    parser_->body_limit(body_limit);
    stream_.expires_after(first ? read_timeout : idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return close();
    stream_.expires_after(read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    auto request = parser_->release();
    write(request.version(), request.keep_alive());
  }

  // A fresh response with its own copy of the body, as a real handler would build
  // one; the copy is part of the cost any server pays.
  void write(unsigned version, bool keep_alive) {
    response_ = std::make_unique<Response>(http::status::ok, version);
    response_->set(http::field::server, "bench_minimal_http");
    response_->set(http::field::content_type, "application/json");
    response_->body() = std::string(groupcall_json);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    stream_.expires_after(write_timeout);
    http::async_write(
        stream_, *response_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec || !keep_alive) return close();
    response_.reset();
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
  std::unique_ptr<Response> response_;
};

// Accepts on its own strand and gives every connection a strand of its own.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, const tcp::endpoint& endpoint)
      : io_(io), acceptor_(net::make_strand(io)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void start() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::accept, shared_from_this()));
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket))->start();
    }
    accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
};

using chorus::bench::parse_number;

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    long value = 0;
    if (flag == "--port" && parse_number(argv[i + 1], 0, 65535, value)) {
      options.port = static_cast<unsigned short>(value);
    } else if (flag == "--threads" && parse_number(argv[i + 1], 1, 64, value)) {
      options.threads = static_cast<std::size_t>(value);
    } else if (flag == "--max-seconds" && parse_number(argv[i + 1], 1, 86400, value)) {
      options.max_seconds = value;
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0) return std::nullopt;  // a flag without its value
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) {
    std::fprintf(stderr, "usage: bench_minimal_http [--port P] [--threads N] [--max-seconds S]\n");
    return 2;
  }
  net::io_context io(static_cast<int>(options->threads));
  auto listener = std::make_shared<Listener>(
      io, tcp::endpoint(net::ip::make_address("127.0.0.1"), options->port));
  listener->start();
  std::printf("listening on http://127.0.0.1:%u\n", listener->port());
  std::fflush(stdout);

  // Either a signal or the lifetime ends the run; io.stop() drops open sessions.
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const beast::error_code&, int) { io.stop(); });
  net::steady_timer lifetime(io, std::chrono::seconds(options->max_seconds));
  lifetime.async_wait([&io](const beast::error_code&) { io.stop(); });

  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < options->threads; ++i) pool.emplace_back([&io] { io.run(); });
  for (auto& t : pool) t.join();
  return 0;
}
