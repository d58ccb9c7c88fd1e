#include "model/ring_group.hpp"

#include <array>

#include "model/enum_names.hpp"

namespace chorus {

namespace {

constexpr std::array<std::string_view, 4> ring_strategy_names{"ring_all", "sequentially",
                                                              "memory_hunt", "custom"};
constexpr std::array<std::string_view, 10> failover_dest_names{
    "end_call",  "extension",  "ext_vm", "group_vm",     "ivr",
    "call_flow", "ring_group", "queue",  "external_num", "play_greeting"};
constexpr std::array<std::string_view, 3> member_type_names{"", "extension", "ext_group"};

}  // namespace

std::string_view to_string(RingStrategy strategy) {
  return detail::enum_name(ring_strategy_names, strategy);
}
std::string_view to_string(FailoverDest dest) {
  return detail::enum_name(failover_dest_names, dest);
}
std::string_view to_string(RingGroupMemberType type) {
  return detail::enum_name(member_type_names, type);
}
std::optional<RingStrategy> parse_ring_strategy(std::string_view text) {
  return detail::enum_parse<RingStrategy>(ring_strategy_names, text);
}
std::optional<FailoverDest> parse_failover_dest(std::string_view text) {
  return detail::enum_parse<FailoverDest>(failover_dest_names, text);
}
std::optional<RingGroupMemberType> parse_ring_group_member_type(std::string_view text) {
  return detail::enum_parse<RingGroupMemberType>(member_type_names, text);
}

bool RingGroupMember::operator==(const RingGroupMember& o) const {
  return value == o.value && type == o.type && text == o.text && text2 == o.text2 &&
         delay_time == o.delay_time && timeout == o.timeout && sub_option == o.sub_option;
}

bool RingGroup::operator==(const RingGroup& o) const {
  return id == o.id && customer_id == o.customer_id && number == o.number && name == o.name &&
         ring_strategy == o.ring_strategy && ring_timeout == o.ring_timeout &&
         member_list == o.member_list && fail_dest == o.fail_dest &&
         fail_dest_prefix == o.fail_dest_prefix && fail_dest_value == o.fail_dest_value &&
         alert_info == o.alert_info && welcome_prompt == o.welcome_prompt && moh == o.moh &&
         join_prompt == o.join_prompt && play_full_join_prompt == o.play_full_join_prompt &&
         client_unique_ringtone == o.client_unique_ringtone &&
         no_agent_online_dest == o.no_agent_online_dest &&
         no_agent_online_prefix == o.no_agent_online_prefix &&
         no_agent_online_value == o.no_agent_online_value && enb_miss_call == o.enb_miss_call &&
         tm_create == o.tm_create && tm_update == o.tm_update && tm_delete == o.tm_delete;
}

// A version-8 (custom) UUID whose last four bytes are the id: never equal to a
// generated (version-4) id, so a ring group's row cannot collide with another's.
Uuid storage_key(const RingGroup& group) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = 'r';
  bytes[1] = 'g';
  bytes[6] = 0x80;  // version 8
  bytes[8] = 0x80;  // RFC 4122 variant
  auto id = static_cast<std::uint32_t>(group.id);
  for (int i = 0; i < 4; ++i) bytes[15 - i] = static_cast<std::uint8_t>(id >> (8 * i));
  return Uuid(bytes);
}

}  // namespace chorus
