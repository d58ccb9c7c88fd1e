#pragma once
// Forward-only state machines of conferences and their participants, in the style of
// transitions.hpp. Each graph has exactly one way to the end state, so every ended
// conference published terminating and every ended participant published leaving:
// consumers can rely on seeing both.
//
// Conference:     starting -> progressing -> terminating -> terminated
//                 starting -> terminating   (ended before it was up)
// Conferencecall: joining -> joined -> leaving -> leaved
//                 joining -> leaving        (kicked, hung up or refused while joining)

#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/result.hpp"

namespace chorus {

bool conference_transition_allowed(ConferenceStatus from, ConferenceStatus to);
bool conferencecall_transition_allowed(ConferencecallStatus from, ConferencecallStatus to);

// Ok, or a conflict error that names both states.
Status check_transition(ConferenceStatus from, ConferenceStatus to);
Status check_transition(ConferencecallStatus from, ConferencecallStatus to);

constexpr bool is_final(ConferenceStatus s) {
  return s == ConferenceStatus::terminated;
}
constexpr bool is_final(ConferencecallStatus s) {
  return s == ConferencecallStatus::leaved;
}

}  // namespace chorus
