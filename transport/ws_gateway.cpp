#include "transport/ws_gateway.hpp"

#include <unistd.h>

#include <algorithm>
#include <future>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "transport/error_names.hpp"
#include "transport/request_id.hpp"
#include "transport/rest_json.hpp"
#include "transport/websocket_handshake.hpp"
#include "transport/ws_feed.hpp"
#include "transport/ws_session.hpp"

namespace chorus {

namespace http = boost::beast::http;

namespace {

// How much longer than the sessions' own bound shut_down() waits for them, in
// case the I/O threads are slow to run their timers.
constexpr std::chrono::milliseconds shutdown_slack{1000};

// Why an upgrade is refused, in the REST API's terms: its status, its reason and, when
// the fault is one field's, that field. `message` and `field` never hold request bytes.
struct Refusal {
  http::status status;
  std::string_view reason;
  std::string message;
  std::string_view field = {};
};

// An upgrade refusal in the error envelope every chorusd error answer uses, with the
// request's X-Request-Id (its own when safe, else a new one).
HttpResponse answer(const HttpRequest& request, const ApiKeys& keys, const Refusal& refusal) {
  auto request_id = request_id_for(request, keys);
  spdlog::debug("ws {} refused {} {}: {}", request_id, static_cast<unsigned>(refusal.status),
                refusal.reason, refusal.message);
  HttpResponse response{refusal.status, request.version()};
  response.set(http::field::server, "chorusd");
  response.set(http::field::content_type, "application/json");
  response.set("X-Request-Id", request_id);
  auto status = status_name(refusal.status);
  response.body() =
      error_json(ErrorEnvelope{status, refusal.reason, refusal.message, refusal.field, request_id});
  return response;
}

// A handshake the RFC does not allow is an invalid argument about the field the check
// names (a wrong Sec-WebSocket-Version keeps its 426, so its status is UPGRADE_REQUIRED).
Refusal bad_handshake(const websocket::HandshakeRefusal& bad) {
  return {bad.status, "INVALID_ARGUMENT", bad.field + ": " + bad.rule, bad.field};
}

std::string_view path_of(const HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

std::string_view query_of(const HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  auto question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

std::optional<Uuid> customer_of(const ApiKeys& keys, const HttpRequest& request) {
  auto authorization = request[http::field::authorization];
  return keys.customer_for(std::string_view(authorization.data(), authorization.size()),
                           query_of(request));
}

// Hands an open connection's descriptor to a socket on another executor.
bool move_socket(boost::asio::ip::tcp::socket from, boost::asio::ip::tcp::socket& to) {
  boost::system::error_code ec;
  auto protocol = from.local_endpoint(ec).protocol();
  if (ec) return false;
  auto handle = from.release(ec);
  if (ec) return false;
  to.assign(protocol, handle, ec);
  if (ec) {
    ::close(handle);
    return false;
  }
  return true;
}

}  // namespace

WsGateway::WsGateway(Engine& engine, const ApiKeys& keys, boost::asio::io_context& io,
                     std::size_t io_threads, WsLimits limits, RemoteEvents* remote)
    : engine_(engine),
      keys_(keys),
      limits_(limits),
      metrics_(std::make_shared<WsMetrics>()),
      wakeups_(std::make_shared<WsWakeups>(io, io_threads, limits.batch_window)),
      remote_(remote),
      feeds_(std::max<std::size_t>(1, io_threads)) {}

WsGateway::~WsGateway() {
  wakeups_->drop_pending();
}

bool WsGateway::wants(const HttpRequest& request) const {
  return boost::beast::websocket::is_upgrade(request);
}

std::optional<HttpResponse> WsGateway::check(const HttpRequest& request) const {
  if (path_of(request) != "/v1.0/ws") {
    return answer(request, keys_,
                  {http::status::not_found, "PATH_NOT_FOUND",
                   "WebSocket upgrades are served at /v1.0/ws only"});
  }
  if (auto bad = websocket::check_handshake(request)) {
    auto response = answer(request, keys_, bad_handshake(*bad));
    // 426 names the version the client should have asked for (RFC 6455 4.4).
    if (bad->status == http::status::upgrade_required) {
      response.set(http::field::sec_websocket_version, "13");
    }
    return response;
  }
  if (!customer_of(keys_, request)) {
    return answer(request, keys_,
                  {http::status::unauthorized, "UNAUTHORIZED",
                   "a valid API key is required (Authorization: Bearer, token= or accesskey=)"});
  }
  if (shutting_down_) {
    return answer(request, keys_,
                  {http::status::service_unavailable, "UNAVAILABLE", "chorusd is shutting down"});
  }
  // The slot is taken here, not in adopt(): two upgrades checked at once must not
  // both get the last one. adopt() always follows a check that passed.
  auto& connections = metrics_->connections;
  auto count = connections.load();
  do {
    if (count >= limits_.max_connections) {
      return answer(
          request, keys_,
          {http::status::service_unavailable, "TOO_MANY_CONNECTIONS",
           "at most " + std::to_string(limits_.max_connections) + " WebSocket connections"});
    }
  } while (!connections.compare_exchange_weak(count, count + 1));
  return std::nullopt;
}

void WsGateway::adopt(boost::beast::tcp_stream stream, HttpRequest request,
                      std::string_view already_read) {
  auto customer = customer_of(keys_, request);
  if (!customer) {  // check() ran first; a key cannot vanish meanwhile
    --metrics_->connections;
    return;
  }
  // The connection moves from its HTTP strand to its wake-up list's, which all of
  // that list's sessions share (see ws_wakeups.hpp).
  auto list = wakeups_->assign();
  boost::asio::ip::tcp::socket socket(wakeups_->executor(list));
  if (!move_socket(stream.release_socket(), socket)) {
    --metrics_->connections;  // the peer is gone already
    return;
  }
  // The session holds the slot check() took, and frees it when it ends.
  auto session = std::make_shared<WsSession>(std::move(socket), already_read, *customer, limits_,
                                             metrics_, feed_for(list, *customer));
  auto request_id = request_id_for(request, keys_);
  boost::asio::post(wakeups_->executor(list),
                    [session, request = std::move(request), request_id = std::move(request_id)] {
                      session->start(request, request_id);
                    });
  {
    std::lock_guard<std::mutex> guard(sessions_mutex_);
    if (!shutting_down_) {
      if (sessions_.size() == sessions_.capacity()) {
        sessions_.erase(
            std::remove_if(sessions_.begin(), sessions_.end(), [](auto& s) { return s.expired(); }),
            sessions_.end());
      }
      sessions_.push_back(session);
      return;
    }
  }
  // Checked just before shut_down() began, adopted just after: it goes too.
  session->go_away(nullptr);
}

std::shared_ptr<WsFeed> WsGateway::feed_for(std::size_t list, const Uuid& customer) {
  std::lock_guard<std::mutex> guard(feeds_mutex_);
  auto& feeds = feeds_[list];
  auto& slot = feeds.by_customer[customer];
  if (auto feed = slot.lock()) return feed;
  auto feed = std::make_shared<WsFeed>(engine_, customer, wakeups_, list, limits_.queue_events,
                                       metrics_, remote_);
  feed->open();
  slot = feed;
  // Customers whose connections have all ended leave expired entries: cleared
  // whenever the map has doubled since the last time, so the work stays linear.
  if (feeds.by_customer.size() >= feeds.prune_at) {
    for (auto i = feeds.by_customer.begin(); i != feeds.by_customer.end();) {
      i = i->second.expired() ? feeds.by_customer.erase(i) : std::next(i);
    }
    feeds.prune_at = std::max<std::size_t>(16, 2 * feeds.by_customer.size());
  }
  return feed;
}

void WsGateway::shut_down() {
  std::vector<std::shared_ptr<WsSession>> live;
  {
    std::lock_guard<std::mutex> guard(sessions_mutex_);
    shutting_down_ = true;
    for (auto& s : sessions_) {
      if (auto session = s.lock()) live.push_back(std::move(session));
    }
    sessions_.clear();
  }
  // One token, copied into every session: when the last one has ended and let go
  // of it, the promise is kept.
  auto all_ended = std::make_shared<std::promise<void>>();
  auto done = all_ended->get_future();
  {
    std::shared_ptr<void> token(nullptr, [all_ended](void*) { all_ended->set_value(); });
    for (auto& session : live) session->go_away(token);
  }
  live.clear();  // the sessions' lifetimes are their own again
  done.wait_for(limits_.shutdown_flush + WsSession::shutdown_close_wait + shutdown_slack);
}

}  // namespace chorus
