#pragma once
// The other nodes' events, for this node's WebSocket gateway (the RemoteEvents
// port) over NATS: one subscription to chorus.events.<customer>.> per customer
// some local connection watches, held while any does. Each message is read back
// into an event (model/event_json.hpp; one that does not parse is counted and
// dropped), this node's own are dropped (it delivered them already, from its
// engine), and the rest go to every sink watching the customer, in the order
// NATS delivers them: per resource, the order they happened. When NATS drops the
// connection or a subscription falls behind, the sinks concerned are told lost().

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "transport/cluster/nats_link.hpp"
#include "transport/remote_events.hpp"

namespace chorus {

class ClusterEvents final : public RemoteEvents {
 public:
  explicit ClusterEvents(std::shared_ptr<NatsLink> link);
  // Drains every subscription: no message handler runs after it.
  ~ClusterEvents() override;
  ClusterEvents(const ClusterEvents&) = delete;
  ClusterEvents& operator=(const ClusterEvents&) = delete;

  void watch(const Uuid& customer_id, std::shared_ptr<EventSink> sink) override;
  void unwatch(const Uuid& customer_id, const EventSink* sink) override;

  std::uint64_t received() const { return received_.load(std::memory_order_relaxed); }
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  struct Watched {
    natsSubscription* subscription = nullptr;
    std::vector<std::shared_ptr<EventSink>> sinks;
  };
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  void deliver(natsMsg* msg);
  void lost(const std::string& subject);  // "" for every customer
  std::vector<std::shared_ptr<EventSink>> sinks_of(const Uuid& customer_id);

  std::shared_ptr<NatsLink> link_;
  std::mutex mutex_;
  std::unordered_map<Uuid, Watched> watched_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace chorus
