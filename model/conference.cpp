#include "model/conference.hpp"

#include "model/conference_enum_names.hpp"
#include "model/enum_names.hpp"

namespace chorus {

std::string_view to_string(ConferenceType type) {
  return detail::enum_name(detail::conference_type_names, type);
}
std::string_view to_string(ConferenceStatus status) {
  return detail::enum_name(detail::conference_status_names, status);
}

std::optional<ConferenceType> parse_conference_type(std::string_view text) {
  return detail::enum_parse<ConferenceType>(detail::conference_type_names, text);
}
std::optional<ConferenceStatus> parse_conference_status(std::string_view text) {
  return detail::enum_parse<ConferenceStatus>(detail::conference_status_names, text);
}

bool Conference::operator==(const Conference& o) const {
  return id == o.id && customer_id == o.customer_id && type == o.type && status == o.status &&
         name == o.name && detail == o.detail && data == o.data && timeout == o.timeout &&
         pre_flow_id == o.pre_flow_id && post_flow_id == o.post_flow_id &&
         conferencecall_ids == o.conferencecall_ids && recording_id == o.recording_id &&
         recording_ids == o.recording_ids && transcribe_id == o.transcribe_id &&
         transcribe_ids == o.transcribe_ids && direct_hash == o.direct_hash &&
         max_participants == o.max_participants && tm_end == o.tm_end && tm_create == o.tm_create &&
         tm_update == o.tm_update && tm_delete == o.tm_delete;
}

bool is_full(const Conference& c) {
  return c.max_participants > 0 &&
         c.conferencecall_ids.size() >= static_cast<std::size_t>(c.max_participants);
}

}  // namespace chorus
