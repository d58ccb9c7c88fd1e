#pragma once
// A subscriber actor: hands each event to an embedder's callback, one at a time
// and in the order they were published, off the publishing actor's thread.

#include <functional>
#include <memory>

#include "actors/event_bus.hpp"
#include "actors/messages.hpp"

namespace caf {
class actor_system;
}

namespace chorus {

subscriber_actor spawn_subscriber(caf::actor_system& system,
                                  std::function<void(const Event&)> callback);

// The bus's view of a subscriber actor: delivery is one mailbox enqueue.
class SubscriberSink final : public EventSink {
 public:
  explicit SubscriberSink(subscriber_actor actor) : actor_(std::move(actor)) {}
  void deliver(const EventPtr& event) override;
  const subscriber_actor& actor() const { return actor_; }

 private:
  subscriber_actor actor_;
};

}  // namespace chorus
