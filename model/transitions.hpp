#pragma once
// Forward-only state machines. The actors move a resource's status only through
// these functions, so a backward or skipped move is refused in one place.
//
// Call:      dialing -> ringing -> progressing -> terminating -> hangup
//            dialing | ringing -> canceling -> hangup
//            dialing -> progressing   (answered without a provisional response)
//            dialing | ringing | progressing -> hangup   (the remote ended it)
// Groupcall: progressing -> hangingup -> hangup, progressing -> hangup

#include <string_view>

#include "model/call.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace chorus {

bool call_transition_allowed(CallStatus from, CallStatus to);
bool groupcall_transition_allowed(GroupcallStatus from, GroupcallStatus to);

// Ok, or a conflict error that names both states.
Status check_transition(CallStatus from, CallStatus to);
Status check_transition(GroupcallStatus from, GroupcallStatus to);

// The conflict every refused move answers: "<resource> status cannot move from
// <from> to <to>" (conference_transitions.hpp's machines answer it too).
Error transition_refused(std::string_view resource, std::string_view from, std::string_view to);

constexpr bool is_final(CallStatus s) {
  return s == CallStatus::hangup;
}
constexpr bool is_final(GroupcallStatus s) {
  return s == GroupcallStatus::hangup;
}

}  // namespace chorus
