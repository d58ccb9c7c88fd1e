#include "model/conference_transitions.hpp"

#include "model/transitions.hpp"

namespace chorus {

bool conference_transition_allowed(ConferenceStatus from, ConferenceStatus to) {
  using S = ConferenceStatus;
  switch (from) {
    case S::starting:
      return to == S::progressing || to == S::terminating;
    case S::progressing:
      return to == S::terminating;
    case S::terminating:
      return to == S::terminated;
    case S::terminated:
      return false;
  }
  return false;
}

bool conferencecall_transition_allowed(ConferencecallStatus from, ConferencecallStatus to) {
  using S = ConferencecallStatus;
  switch (from) {
    case S::joining:
      return to == S::joined || to == S::leaving;
    case S::joined:
      return to == S::leaving;
    case S::leaving:
      return to == S::leaved;
    case S::leaved:
      return false;
  }
  return false;
}

Status check_transition(ConferenceStatus from, ConferenceStatus to) {
  if (conference_transition_allowed(from, to)) return {};
  return transition_refused("conference", to_string(from), to_string(to));
}

Status check_transition(ConferencecallStatus from, ConferencecallStatus to) {
  if (conferencecall_transition_allowed(from, to)) return {};
  return transition_refused("conferencecall", to_string(from), to_string(to));
}

}  // namespace chorus
