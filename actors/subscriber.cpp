#include "actors/subscriber.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace chorus {

subscriber_actor spawn_subscriber(caf::actor_system& system,
                                  std::function<void(const Event&)> callback) {
  return system.spawn([callback = std::move(callback)](
                          subscriber_actor::pointer) -> subscriber_actor::behavior_type {
    return {
        [callback](const EventPtr& event) {
          // An embedder's exception must not end the subscription silently.
          try {
            callback(*event);
          } catch (const std::exception& e) {
            spdlog::error("event subscriber threw on {}: {}", to_string(event->type()), e.what());
          }
        },
    };
  });
}

void SubscriberSink::deliver(const EventPtr& event) { caf::anon_send(actor_, event); }

}  // namespace chorus
