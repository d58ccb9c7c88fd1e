#include "model/conferencecall.hpp"

#include "model/conference_enum_names.hpp"
#include "model/enum_names.hpp"

namespace chorus {

std::string_view to_string(ConferencecallStatus status) {
  return detail::enum_name(detail::conferencecall_status_names, status);
}
std::string_view to_string(ConferencecallReferenceType type) {
  return detail::enum_name(detail::conferencecall_reference_type_names, type);
}

std::optional<ConferencecallStatus> parse_conferencecall_status(std::string_view text) {
  return detail::enum_parse<ConferencecallStatus>(detail::conferencecall_status_names, text);
}
std::optional<ConferencecallReferenceType> parse_conferencecall_reference_type(
    std::string_view text) {
  return detail::enum_parse<ConferencecallReferenceType>(
      detail::conferencecall_reference_type_names, text);
}

bool Conferencecall::operator==(const Conferencecall& o) const {
  return id == o.id && customer_id == o.customer_id && activeflow_id == o.activeflow_id &&
         conference_id == o.conference_id && reference_type == o.reference_type &&
         reference_id == o.reference_id && status == o.status && tm_create == o.tm_create &&
         tm_update == o.tm_update && tm_delete == o.tm_delete;
}

}  // namespace chorus
