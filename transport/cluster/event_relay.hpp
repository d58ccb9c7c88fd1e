#pragma once
// What a node tells the others: every event its engine publishes (after the state
// it carries is committed), on its subject (event_subject.hpp) through the node's
// one NATS connection. All events of one resource come from the one actor that
// owns it, in order, onto one connection, so NATS keeps them in order for every
// subscriber.

#include <memory>

#include "actors/event_sink.hpp"
#include "transport/cluster/nats_link.hpp"

namespace chorus {

class EventRelay final : public EventSink {
 public:
  explicit EventRelay(std::shared_ptr<NatsLink> link) : link_(std::move(link)) {}
  void deliver(const EventPtr& event) override;

 private:
  std::shared_ptr<NatsLink> link_;
};

}  // namespace chorus
