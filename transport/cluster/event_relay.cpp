#include "transport/cluster/event_relay.hpp"

#include "transport/cluster/event_subject.hpp"

namespace chorus {

void EventRelay::deliver(const EventPtr& event) {
  // {"type":...,"data":{...}}: what a WebSocket subscriber receives, so a node that
  // relays it to its own subscribers sends the same bytes.
  link_->publish(event_subject(*event), event->to_json());
}

}  // namespace chorus
