#include "model/call.hpp"

#include "model/enum_names.hpp"

namespace chorus {

std::string_view to_string(CallStatus status) {
  return detail::enum_name(detail::call_status_names, status);
}
std::string_view to_string(CallDirection direction) {
  return detail::enum_name(detail::call_direction_names, direction);
}
std::string_view to_string(HangupBy by) {
  return detail::enum_name(detail::hangup_by_names, by);
}
std::string_view to_string(HangupReason reason) {
  return detail::enum_name(detail::hangup_reason_names, reason);
}

std::optional<CallStatus> parse_call_status(std::string_view text) {
  return detail::enum_parse<CallStatus>(detail::call_status_names, text);
}
std::optional<CallDirection> parse_call_direction(std::string_view text) {
  return detail::enum_parse<CallDirection>(detail::call_direction_names, text);
}
std::optional<HangupBy> parse_hangup_by(std::string_view text) {
  return detail::enum_parse<HangupBy>(detail::hangup_by_names, text);
}
std::optional<HangupReason> parse_hangup_reason(std::string_view text) {
  return detail::enum_parse<HangupReason>(detail::hangup_reason_names, text);
}

bool Call::operator==(const Call& o) const {
  return id == o.id && customer_id == o.customer_id && groupcall_id == o.groupcall_id &&
         master_call_id == o.master_call_id && conference_id == o.conference_id &&
         source == o.source && destination == o.destination && direction == o.direction &&
         status == o.status && hangup_by == o.hangup_by && hangup_reason == o.hangup_reason &&
         tm_create == o.tm_create && tm_update == o.tm_update &&
         tm_progressing == o.tm_progressing && tm_ringing == o.tm_ringing &&
         tm_hangup == o.tm_hangup && tm_delete == o.tm_delete && sdp_answer == o.sdp_answer;
}

}  // namespace chorus

namespace chorus {
// A leg's snapshot must stay within one 256-byte allocation with its count (see
// the struct's comment); a field added here is a per-leg cost at a million legs.
static_assert(sizeof(void*) != 8 || sizeof(Call) <= 240, "Call outgrew its 256-byte allocation");
}  // namespace chorus
