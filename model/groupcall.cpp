#include "model/groupcall.hpp"

#include "model/enum_names.hpp"

namespace chorus {

std::string_view to_string(GroupcallStatus status) {
  return detail::enum_name(detail::groupcall_status_names, status);
}
std::string_view to_string(RingMethod method) {
  return detail::enum_name(detail::ring_method_names, method);
}
std::string_view to_string(AnswerMethod method) {
  return detail::enum_name(detail::answer_method_names, method);
}

std::optional<GroupcallStatus> parse_groupcall_status(std::string_view text) {
  return detail::enum_parse<GroupcallStatus>(detail::groupcall_status_names, text);
}
std::optional<RingMethod> parse_ring_method(std::string_view text) {
  return detail::enum_parse<RingMethod>(detail::ring_method_names, text);
}
std::optional<AnswerMethod> parse_answer_method(std::string_view text) {
  return detail::enum_parse<AnswerMethod>(detail::answer_method_names, text);
}

bool Groupcall::operator==(const Groupcall& o) const {
  return id == o.id && customer_id == o.customer_id && owner_type == o.owner_type &&
         owner_id == o.owner_id && status == o.status && source == o.source &&
         destinations == o.destinations && master_call_id == o.master_call_id &&
         master_groupcall_id == o.master_groupcall_id && ring_method == o.ring_method &&
         answer_method == o.answer_method && answer_call_id == o.answer_call_id &&
         answer_groupcall_id == o.answer_groupcall_id && call_ids == o.call_ids &&
         groupcall_ids == o.groupcall_ids && call_count == o.call_count &&
         groupcall_count == o.groupcall_count && dial_index == o.dial_index &&
         ring_timeout == o.ring_timeout && answer_timeout == o.answer_timeout &&
         conference_id == o.conference_id && repeats == o.repeats &&
         fail_on_single_reject == o.fail_on_single_reject && failover == o.failover &&
         tm_create == o.tm_create && tm_update == o.tm_update &&
         tm_delete == o.tm_delete;
}

}  // namespace chorus
