#pragma once
// Events published by the other nodes of a cluster, for the WebSocket gateway:
// while a customer is watched, every event of that customer another node relays
// goes to the watching sink, in order per resource, and lost() tells it when some
// could not arrive (the link to the others broke, or it fell behind). The gateway
// owns this port; transport/cluster implements it over NATS. A lone node has none.

#include <memory>

#include "actors/event_sink.hpp"
#include "model/uuid.hpp"

namespace chorus {

class RemoteEvents {
 public:
  virtual ~RemoteEvents() = default;
  // Safe from any thread. A sink watches a customer once; unwatch() ends it.
  virtual void watch(const Uuid& customer_id, std::shared_ptr<EventSink> sink) = 0;
  virtual void unwatch(const Uuid& customer_id, const EventSink* sink) = 0;
};

}  // namespace chorus
