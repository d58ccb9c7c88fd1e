#include "model/ring_group_rules.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "model/field_limits.hpp"

namespace chorus {

namespace {

namespace limits = ring_group_limits;

// What a failover destination needs in its value and prefix (Yeastar's
// fail_dest_* and no_agent_online_*), indexed by FailoverDest.
enum class ValueRule { any, required, phone_number };
enum class PrefixRule { any, digits };
struct FailoverRule {
  ValueRule value;
  PrefixRule prefix;
};
constexpr std::array<FailoverRule, 10> failover_rules{{
    {ValueRule::any, PrefixRule::any},              // end_call
    {ValueRule::required, PrefixRule::any},         // extension
    {ValueRule::required, PrefixRule::any},         // ext_vm
    {ValueRule::required, PrefixRule::any},         // group_vm
    {ValueRule::required, PrefixRule::any},         // ivr
    {ValueRule::required, PrefixRule::any},         // call_flow
    {ValueRule::required, PrefixRule::any},         // ring_group
    {ValueRule::required, PrefixRule::any},         // queue
    {ValueRule::phone_number, PrefixRule::digits},  // external_num: dial-out prefix
    {ValueRule::required, PrefixRule::digits},      // play_greeting: play count
}};

bool all_of(std::string_view text, std::string_view allowed) {
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

constexpr std::string_view digits = "0123456789";
constexpr std::string_view dial_chars = "0123456789+*#";

Status check_seconds(std::int32_t seconds, const std::string& field) {
  if (seconds < 0 || seconds > limits::max_seconds) {
    return Error::invalid(field,
                          "must be 0 to " + std::to_string(limits::max_seconds) + " seconds");
  }
  return {};
}

Status check_flag(std::int32_t flag, const char* field) {
  if (flag != 0 && flag != 1) return Error::invalid(field, "must be 0 or 1");
  return {};
}

// A SIP header value: one line of visible text.
Status check_header_text(std::string_view text, const char* field, std::size_t max_bytes) {
  if (auto status = check_text(text, field, max_bytes); !status) return status;
  auto control = [](unsigned char c) { return c < 0x20 || c == 0x7f; };
  if (std::any_of(text.begin(), text.end(), control)) {
    return Error::invalid(field, "must not contain control characters");
  }
  return {};
}

Status check_failover(FailoverDest dest, std::string_view prefix, std::string_view value,
                      const char* dest_field, const char* prefix_field, const char* value_field) {
  const auto index = static_cast<std::size_t>(dest);
  if (index >= failover_rules.size()) return Error::invalid(dest_field, "is not a destination");
  if (auto status = check_text(prefix, prefix_field, limits::dest_prefix); !status) return status;
  if (auto status = check_text(value, value_field, limits::dest_value); !status) return status;
  const FailoverRule& rule = failover_rules[index];
  const std::string for_dest =
      std::string(" when ") + dest_field + " is " + std::string(to_string(dest));
  if (rule.value != ValueRule::any && value.empty()) {
    return Error::invalid(value_field, "must not be empty" + for_dest);
  }
  if (rule.value == ValueRule::phone_number && !all_of(value, dial_chars)) {
    return Error::invalid(value_field, "must be a number (digits, +, * and #)" + for_dest);
  }
  if (rule.prefix == PrefixRule::digits && !all_of(prefix, digits)) {
    return Error::invalid(prefix_field, "must be digits" + for_dest);
  }
  return {};
}

// One member at `path`; `depth` 0 in member_list, 1 inside a sub_option. Counts
// the leaf members (extension, ext_group) into `leaves`.
Status check_member(const RingGroupMember& member, const std::string& path, int depth,
                    std::size_t& leaves) {
  if (static_cast<std::size_t>(member.type) > 2) {
    return Error::invalid(path + ".type", "must be extension, ext_group or \"\"");
  }
  if (auto s = check_text(member.value, path + ".value", limits::member_value); !s) return s;
  if (auto s = check_text(member.text, path + ".text", limits::member_text); !s) return s;
  if (auto s = check_text(member.text2, path + ".text2", limits::member_text); !s) return s;
  if (auto s = check_seconds(member.delay_time, path + ".delay_time"); !s) return s;
  if (auto s = check_seconds(member.timeout, path + ".timeout"); !s) return s;
  const bool has_sub_option = member.sub_option && !member.sub_option->empty();
  if (member.type != RingGroupMemberType::group) {
    if (member.value.empty()) return Error::invalid(path + ".value", "must not be empty");
    if (has_sub_option) {
      return Error::invalid(path + ".sub_option", "must be null unless type is \"\"");
    }
    ++leaves;
    return {};
  }
  // A group ("" type): the members of its sub_option ring together.
  if (depth > 0) {
    return Error::invalid(path + ".type", "must be extension or ext_group inside a sub_option");
  }
  if (!member.value.empty()) {
    return Error::invalid(path + ".value", "must be empty when type is \"\"");
  }
  if (!has_sub_option) {
    return Error::invalid(path + ".sub_option", "must list members when type is \"\"");
  }
  const auto& sub = *member.sub_option;
  if (auto s = check_count(sub.size(), path + ".sub_option", limits::members); !s) return s;
  for (std::size_t i = 0; i < sub.size(); ++i) {
    auto s = check_member(sub[i], path + ".sub_option[" + std::to_string(i) + "]", 1, leaves);
    if (!s) return s;
  }
  return {};
}

Status check_members(const std::vector<RingGroupMember>& members) {
  if (members.empty()) return Error::invalid("member_list", "must have at least one member");
  if (auto s = check_count(members.size(), "member_list", limits::members); !s) return s;
  std::size_t leaves = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto s = check_member(members[i], "member_list[" + std::to_string(i) + "]", 0, leaves);
    if (!s) return s;
  }
  if (leaves > limits::members) {
    return Error::limit("member_list", "member_list: at most " + std::to_string(limits::members) +
                                           " members in all, sub_options included");
  }
  return {};
}

Status check_number(const std::string& number) {
  if (number.empty()) return Error::invalid("number", "must not be empty");
  if (number.size() > limits::number) {
    return Error::invalid("number",
                          "must be at most " + std::to_string(limits::number) + " digits");
  }
  if (!all_of(number, digits)) return Error::invalid("number", "must be digits");
  return {};
}

Status check_strategy(const RingGroup& group) {
  if (to_string(group.ring_strategy).empty()) {
    return Error::invalid("ring_strategy", "must be ring_all, sequentially, memory_hunt or custom");
  }
  if (auto s = check_seconds(group.ring_timeout, "ring_timeout"); !s) return s;
  // custom rings by each member's own timeout; the others step by ring_timeout.
  if (group.ring_strategy != RingStrategy::custom && group.ring_timeout == 0) {
    return Error::invalid("ring_timeout", "must be more than 0 unless ring_strategy is custom");
  }
  return {};
}

Status check_texts(const RingGroup& group) {
  const std::pair<const std::string*, const char*> prompts[] = {
      {&group.welcome_prompt, "welcome_prompt"},
      {&group.moh, "moh"},
      {&group.join_prompt, "join_prompt"},
      {&group.client_unique_ringtone, "client_unique_ringtone"},
  };
  for (const auto& [text, field] : prompts) {
    if (auto s = check_text(*text, field, limits::prompt); !s) return s;
  }
  return check_header_text(group.alert_info, "alert_info", limits::alert_info);
}

}  // namespace

Status validate_ring_group(const RingGroup& group) {
  using Check = Status (*)(const RingGroup&);
  static constexpr Check checks[] = {
      [](const RingGroup& g) { return check_number(g.number); },
      [](const RingGroup& g) { return check_text(g.name, "name", limits::name); },
      &check_strategy,
      [](const RingGroup& g) { return check_members(g.member_list); },
      [](const RingGroup& g) {
        return check_failover(g.fail_dest, g.fail_dest_prefix, g.fail_dest_value, "fail_dest",
                              "fail_dest_prefix", "fail_dest_value");
      },
      [](const RingGroup& g) {
        return check_failover(g.no_agent_online_dest, g.no_agent_online_prefix,
                              g.no_agent_online_value, "no_agent_online_dest",
                              "no_agent_online_prefix", "no_agent_online_value");
      },
      &check_texts,
      [](const RingGroup& g) {
        return check_flag(g.play_full_join_prompt, "play_full_join_prompt");
      },
      [](const RingGroup& g) { return check_flag(g.enb_miss_call, "enb_miss_call"); },
  };
  for (Check check : checks) {
    if (auto status = check(group); !status) return status;
  }
  return {};
}

Status validate_extension_group(const ExtensionGroup& group) {
  if (group.name.empty()) return Error::invalid("name", "must not be empty");
  if (auto s = check_text(group.name, "name", field_limits::directory_name); !s) return s;
  const auto& entries = group.extensions;
  if (auto s = check_count(entries.size(), "extensions", limits::extension_group_members); !s) {
    return s;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string field = "extensions[" + std::to_string(i) + "]";
    if (entries[i].empty()) return Error::invalid(field, "must not be empty");
    if (auto s = check_text(entries[i], field, limits::extension_group_entry); !s) return s;
  }
  return {};
}

}  // namespace chorus
