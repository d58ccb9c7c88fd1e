#include "actors/subscriber.hpp"

#include <spdlog/spdlog.h>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace chorus {

subscriber_actor spawn_subscriber(caf::actor_system& system,
                                  std::function<void(const Event&)> callback) {
  // The callback goes in as a spawn argument, not a capture: CAF 0.17 applies a
  // spawn without arguments through a null tuple pointer (undefined behaviour that
  // UBSan reports).
  return system.spawn(
      [](subscriber_actor::pointer,
         std::function<void(const Event&)> callback) -> subscriber_actor::behavior_type {
        return {
            [callback](const EventPtr& event) {
              // An embedder's exception must not end the subscription silently.
              try {
                callback(*event);
              } catch (const std::exception& e) {
                spdlog::error("event subscriber threw on {}: {}", to_string(event->type()),
                              e.what());
              }
            },
        };
      },
      std::move(callback));
}

void SubscriberSink::deliver(const EventPtr& event) {
  caf::anon_send(actor_, event);
}

}  // namespace chorus
