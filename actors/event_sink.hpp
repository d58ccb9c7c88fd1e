#pragma once
// Where a subscription's events go: the engine calls deliver() once per matching
// event, on an engine thread, without waiting (a sink queues or forwards; it must
// never block), and ended() once when the engine ends the subscription (at stop()).
// Part of the public embedding API (Engine::open_subscription).

#include <cstdint>

#include "model/event.hpp"

namespace chorus {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Events of one resource arrive in order.
  virtual void deliver(const EventPtr& event) = 0;
  // No event follows. Not called when the holder cancels the subscription itself.
  virtual void ended() {}
  // `count` events (at least; 1 when it is unknown) could not be delivered here:
  // what the sink's consumers hold may be stale, and they should read it again.
  // Only a source beyond the engine calls it (another node's events); the engine's
  // own delivery loses nothing.
  virtual void lost(std::uint64_t /*count*/) {}
};

}  // namespace chorus
