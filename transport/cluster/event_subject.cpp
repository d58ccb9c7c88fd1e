#include "transport/cluster/event_subject.hpp"

namespace chorus {

std::string event_subject(const Event& event) {
  std::string subject = event_subject_prefix;
  subject += event.customer_id().to_string();
  subject += '.';
  subject += to_string(event.kind());
  subject += '.';
  subject += event.resource_id().to_string();
  return subject;
}

std::string customer_events_subject(const Uuid& customer_id) {
  return event_subject_prefix + customer_id.to_string() + ".>";
}

}  // namespace chorus
