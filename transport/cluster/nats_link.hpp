#pragma once
// chorusd's one connection to NATS (libnats), shared by everything of the cluster
// that talks to the other nodes. libnats runs its own reader and flusher threads
// and reconnects by itself (every 250 ms, forever); a publish never waits for the
// network: it goes to the client's buffer, which the flusher sends. The server
// sends the node none of its own messages back (no echo): what a node published,
// it has dealt with already.

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace chorus {

struct NatsLinkOptions {
  std::string url;      // nats://host:port
  std::string node_id;  // this node's name in the cluster
};

class NatsLink {
 public:
  // Connects, or names why it could not ("cluster: NATS unreachable (...)").
  static Result<std::unique_ptr<NatsLink>> connect(const NatsLinkOptions& options);
  ~NatsLink();
  NatsLink(const NatsLink&) = delete;
  NatsLink& operator=(const NatsLink&) = delete;

  // Queues `data` on `subject`; false when the client refused it (closed, or its
  // buffer for a reconnect full), which is counted in dropped().
  bool publish(const std::string& subject, std::string_view data);

  // An async subscription: `on_message` runs on libnats' delivery thread for the
  // subscription, one message after another. Null (and counted) on failure.
  natsSubscription* subscribe(const std::string& subject, natsMsgHandler on_message, void* closure);
  // Ends a subscription of subscribe() (null is fine): drained first, so that no
  // handler of it runs once this returns, or once `timeout_ms` has passed.
  static void unsubscribe(natsSubscription* subscription, int64_t timeout_ms = 2000);

  // Sends `data` on `subject` as a request and waits (up to `timeout_ms`) for the
  // first answer; nullopt when none came. Blocks: for a thread of its own.
  std::optional<std::string> request(const std::string& subject, std::string_view data,
                                     int64_t timeout_ms);
  // `msg`'s payload.
  static std::string_view data_of(natsMsg* msg) {
    return {natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))};
  }

  // Waits (up to `timeout_ms`) until the server has everything published so far.
  bool flush(int64_t timeout_ms);
  // Publishes each of `messages` on `subject`, asking for replies, and gathers
  // the replies' payloads until `enough` holds of them or `timeout_ms` passes.
  // Blocks: for a thread that may wait (the store writer's).
  std::vector<std::string> publish_and_gather(
      const std::string& subject, const std::vector<std::string>& messages, int64_t timeout_ms,
      const std::function<bool(const std::vector<std::string>&)>& enough);
  // Answers a request (its reply subject).
  bool reply(const std::string& reply_subject, std::string_view data);

  // Told when messages to this node's subscriptions were lost: the connection
  // dropped (every subscription: empty subject) or a subscription fell behind
  // (its subject). From a libnats thread.
  using GapListener = std::function<void(const std::string& subject)>;
  void on_gap(GapListener listener);

  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  std::uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }
  const std::string& node_id() const { return node_id_; }

 private:
  explicit NatsLink(std::string node_id) : node_id_(std::move(node_id)) {}
  static void on_disconnected(natsConnection*, void* self);
  static void on_reconnected(natsConnection*, void* self);
  static void on_error(natsConnection*, natsSubscription* subscription, natsStatus error,
                       void* self);
  void gap(const std::string& subject);

  const std::string node_id_;
  natsConnection* connection_ = nullptr;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::mutex gap_mutex_;
  GapListener gap_listener_;
};

}  // namespace chorus
