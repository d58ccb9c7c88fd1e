#pragma once
// The NATS subject of an event between chorusd nodes:
// chorus.events.<customer>.<resource>.<id>, so that a node wanting one customer's
// events subscribes to chorus.events.<customer>.> and nothing else reaches it.
// Ids are UUIDs in text (hex and dashes), never a dot or a wildcard.

#include <string>

#include "model/event.hpp"

namespace chorus {

inline constexpr const char* event_subject_prefix = "chorus.events.";

// chorus.events.<customer>.<resource>.<id>, <resource> as the event's kind names it.
std::string event_subject(const Event& event);
// chorus.events.<customer>.>: every event of one customer.
std::string customer_events_subject(const Uuid& customer_id);

}  // namespace chorus
