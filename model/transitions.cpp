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

namespace {

template <class S>
Error refused(std::string_view resource, S from, S to) {
  std::string message(resource);
  message += " status cannot move from ";
  message += to_string(from);
  message += " to ";
  message += to_string(to);
  return Error::conflict(std::move(message));
}

}  // namespace

Status check_transition(CallStatus from, CallStatus to) {
  if (call_transition_allowed(from, to)) return {};
  return refused("call", from, to);
}

Status check_transition(GroupcallStatus from, GroupcallStatus to) {
  if (groupcall_transition_allowed(from, to)) return {};
  return refused("groupcall", from, to);
}

}  // namespace chorus
