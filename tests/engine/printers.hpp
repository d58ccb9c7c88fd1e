#pragma once
// Readable gtest failure messages for the engine's enums and ids. Every test file
// that compares them includes this, so each type prints the same way everywhere.

#include <ostream>

#include "model/call.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "model/uuid.hpp"
#include "actors/leg_driver.hpp"

namespace chorus {

inline void PrintTo(const Uuid& id, std::ostream* os) {
  *os << id.to_string();
}
inline void PrintTo(CallStatus v, std::ostream* os) {
  *os << to_string(v);
}
inline void PrintTo(HangupReason v, std::ostream* os) {
  *os << '"' << to_string(v) << '"';
}
inline void PrintTo(HangupBy v, std::ostream* os) {
  *os << '"' << to_string(v) << '"';
}
inline void PrintTo(GroupcallStatus v, std::ostream* os) {
  *os << to_string(v);
}
inline void PrintTo(EventType v, std::ostream* os) {
  *os << to_string(v);
}
inline void PrintTo(ResourceKind v, std::ostream* os) {
  *os << to_string(v);
}
inline void PrintTo(LegCause v, std::ostream* os) {
  *os << to_string(v);
}
inline void PrintTo(LegReport v, std::ostream* os) {
  *os << to_string(v);
}

}  // namespace chorus
