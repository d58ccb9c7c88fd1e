#pragma once
// A ring group: a number that rings a configured list of extensions with one
// strategy, and where the call goes when nobody answers. Yeastar P-Series'
// Ring_Group_Detail, field for field (../shared/reference/004): the names and enum
// strings here are its wire form. customer_id and the tm_* stamps are Chorus's own
// and never leave on Yeastar's API.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

enum class RingStrategy { ring_all, sequentially, memory_hunt, custom };

// Where an unanswered call (fail_dest) or one with no member available
// (no_agent_online_dest) goes.
enum class FailoverDest {
  end_call,
  extension,
  ext_vm,
  group_vm,
  ivr,
  call_flow,
  ring_group,
  queue,
  external_num,
  play_greeting,
};

// "" is a sub_option group's own type: it has no value, only sub_option members.
enum class RingGroupMemberType { group, extension, ext_group };

std::string_view to_string(RingStrategy strategy);
std::string_view to_string(FailoverDest dest);
std::string_view to_string(RingGroupMemberType type);
std::optional<RingStrategy> parse_ring_strategy(std::string_view text);
std::optional<FailoverDest> parse_failover_dest(std::string_view text);
std::optional<RingGroupMemberType> parse_ring_group_member_type(std::string_view text);

struct RingGroupMember {
  std::string value;  // an extension's number or id, or an extension group's id or name
  RingGroupMemberType type = RingGroupMemberType::extension;
  std::string text;  // display texts, kept as written
  std::string text2;
  std::int32_t delay_time = 0;  // custom: seconds before it rings
  std::int32_t timeout = 0;     // custom: seconds it rings (0: its group's, then ring_timeout)
  // A group of members that ring together (null on the wire when absent).
  std::optional<std::vector<RingGroupMember>> sub_option;

  bool operator==(const RingGroupMember& other) const;
  bool operator!=(const RingGroupMember& other) const { return !(*this == other); }
};

struct RingGroup {
  std::int32_t id = 0;  // assigned on create, unique across customers
  Uuid customer_id;
  std::string number;
  std::string name;
  RingStrategy ring_strategy = RingStrategy::ring_all;
  std::int32_t ring_timeout = 30;
  std::vector<RingGroupMember> member_list;
  FailoverDest fail_dest = FailoverDest::end_call;
  std::string fail_dest_prefix;
  std::string fail_dest_value;
  std::string alert_info;
  std::string welcome_prompt;
  std::string moh;
  std::string join_prompt;
  std::int32_t play_full_join_prompt = 0;
  std::string client_unique_ringtone;
  FailoverDest no_agent_online_dest = FailoverDest::end_call;
  std::string no_agent_online_prefix;
  std::string no_agent_online_value;
  std::int32_t enb_miss_call = 0;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const RingGroup& other) const;
  bool operator!=(const RingGroup& other) const { return !(*this == other); }
};

// The key a ring group's row is stored and coalesced under: derived from its id,
// so that every write of one group is one row.
Uuid storage_key(const RingGroup& group);

}  // namespace chorus
