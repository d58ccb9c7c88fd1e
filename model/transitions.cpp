#include "model/transitions.hpp"

#include <string>

namespace chorus {

bool call_transition_allowed(CallStatus from, CallStatus to) {
  using S = CallStatus;
  switch (from) {
    case S::dialing:
      return to == S::ringing || to == S::progressing || to == S::canceling || to == S::hangup;
    case S::ringing:
      return to == S::progressing || to == S::canceling || to == S::hangup;
    case S::progressing:
      return to == S::terminating || to == S::hangup;
    case S::terminating:
    case S::canceling:
      return to == S::hangup;
    case S::hangup:
      return false;
  }
  return false;
}

bool groupcall_transition_allowed(GroupcallStatus from, GroupcallStatus to) {
  using S = GroupcallStatus;
  switch (from) {
    case S::progressing:
      return to == S::hangingup || to == S::hangup;
    case S::hangingup:
      return to == S::hangup;
    case S::hangup:
      return false;
  }
  return false;
}

Error transition_refused(std::string_view resource, std::string_view from, std::string_view to) {
  std::string message(resource);
  message += " status cannot move from ";
  message += from;
  message += " to ";
  message += to;
  return Error::conflict(std::move(message));
}

Status check_transition(CallStatus from, CallStatus to) {
  if (call_transition_allowed(from, to)) return {};
  return transition_refused("call", to_string(from), to_string(to));
}

Status check_transition(GroupcallStatus from, GroupcallStatus to) {
  if (groupcall_transition_allowed(from, to)) return {};
  return transition_refused("groupcall", to_string(from), to_string(to));
}

}  // namespace chorus
