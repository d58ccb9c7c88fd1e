#pragma once
// One keep-alive HTTP connection of a load client: it sends the same request again
// and again, one at a time, asking its LoadPlan before each whether to send now,
// wait, or stop, and telling it every answer with its latency. Pacing, bounds on
// what is in flight and tallies are the plan's; the socket, the timeouts (10 s on
// every connect, write and read) and closing are this connection's.

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace chorus::bench {

using Clock = std::chrono::steady_clock;
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// What a connection does next: send now, ask again at `until`, or close.
struct Turn {
  enum Kind { send, wait, stop } kind = stop;
  Clock::time_point until{};
};

// Shared by every connection given it: a plan given to several connections is
// called from their strands at once and must be safe for that.
class LoadPlan {
 public:
  virtual ~LoadPlan() = default;
  virtual Turn next(Clock::time_point now) = 0;
  virtual void answered(const HttpResponse& response, Clock::duration latency) = 0;
  // The connection broke (or the server closed it): it sends nothing more.
  virtual void broken() = 0;
};

// Connects to `endpoint` and runs `plan` on `io` until it says stop or the
// connection breaks; `closed` (if any) runs when the connection is gone. `request`
// and `plan` must outlive the io_context's run.
void start_load_connection(boost::asio::io_context& io,
                           const boost::asio::ip::tcp::endpoint& endpoint,
                           const HttpRequest& request, LoadPlan& plan,
                           std::function<void()> closed = {});

}  // namespace chorus::bench
