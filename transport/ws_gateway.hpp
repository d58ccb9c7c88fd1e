#pragma once
// The WebSocket event gateway: GET /v1.0/ws upgrades on chorusd's own port, after
// the same key check as REST (401 before any upgrade). Each connection subscribes
// to topics of its own customer and receives every matching event once, in order
// per resource, with a per-connection seq. A slow consumer loses its oldest events
// (and is told how many), never slows the engine or anyone else, and is closed
// with 1008 if it stays full too long. At shutdown every connection gets what is
// queued for it, within a bound, then a 1001 close.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/beast/core/tcp_stream.hpp>

#include "actors/engine.hpp"
#include "config/websocket_options.hpp"
#include "transport/api_keys.hpp"
#include "transport/http_server.hpp"
#include "transport/remote_events.hpp"
#include "transport/ws_metrics.hpp"
#include "transport/ws_wakeups.hpp"

namespace chorus {

class WsFeed;
class WsSession;

class WsGateway final : public UpgradeHandler {
 public:
  // `io` runs the sessions on `io_threads` threads. With `remote` (a node of a
  // cluster), connections get the other nodes' events of their customer too.
  WsGateway(Engine& engine, const ApiKeys& keys, boost::asio::io_context& io,
            std::size_t io_threads, WsLimits limits = {}, RemoteEvents* remote = nullptr);
  // After the I/O threads have stopped: breaks what ties sessions to a round that
  // will never run, so that they and the wakeups are freed.
  ~WsGateway() override;

  // A WebSocket upgrade request, for any path (others are refused with 404).
  bool wants(const HttpRequest& request) const override;
  // The refusal to send instead of upgrading (401, 404, 503), or nullopt to go on
  // (having taken a connection slot, which adopt() hands to the session).
  std::optional<HttpResponse> check(const HttpRequest& request) const override;
  // Takes over an accepted connection whose request passed check().
  void adopt(boost::beast::tcp_stream stream, HttpRequest request,
             std::string_view already_read) override;

  // At shutdown, once the engine has stopped (its final events are queued): each
  // connection is sent its queue for up to limits.shutdown_flush, told in an
  // events_dropped note what could not be sent, and closed with 1001. Returns when
  // every connection has ended, or when the bound has passed, whichever is first;
  // upgrades are refused with 503 from now on. Blocks: not for an I/O thread.
  void shut_down();

  std::size_t connections() const noexcept { return metrics_->connections.load(); }
  const WsMetrics& metrics() const noexcept { return *metrics_; }

 private:
  Engine& engine_;
  const ApiKeys& keys_;
  WsLimits limits_;
  std::shared_ptr<WsMetrics> metrics_;
  std::shared_ptr<WsWakeups> wakeups_;  // sessions share it, and may outlive the gateway
  RemoteEvents* remote_;

  // The feed of `customer` on wake-up `list`, made on its first connection there.
  std::shared_ptr<WsFeed> feed_for(std::size_t list, const Uuid& customer);

  // Each wake-up list's feeds by customer; their sessions hold them, and ended
  // ones are pruned as a list grows.
  struct Feeds {
    std::unordered_map<Uuid, std::weak_ptr<WsFeed>> by_customer;
    std::size_t prune_at = 16;
  };
  std::mutex feeds_mutex_;
  std::vector<Feeds> feeds_;

  // Every session adopted, for shut_down(); ended ones are pruned as it grows.
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<WsSession>> sessions_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace chorus
