#include "model/address.hpp"

#include <algorithm>
#include <string>

#include "model/enum_names.hpp"
#include "model/field_limits.hpp"

namespace chorus {

std::string_view to_string(AddressType type) {
  return detail::enum_name(detail::address_type_names, type);
}

std::optional<AddressType> parse_address_type(std::string_view text) {
  return detail::enum_parse<AddressType>(detail::address_type_names, text);
}

Status check_address_text(const Address& address, std::string_view field) {
  struct Member {
    const Text Address::*text;
    std::string_view name;
    std::size_t max_bytes;
  };
  static constexpr Member members[] = {
      {&Address::target, ".target", field_limits::address_target},
      {&Address::target_name, ".target_name", field_limits::address_target_name},
      {&Address::name, ".name", field_limits::address_name},
      {&Address::detail, ".detail", field_limits::address_detail},
  };
  for (const Member& m : members) {
    if (auto rule = broken_text_rule(address.*m.text, m.max_bytes)) {
      return Error::invalid(std::string(field) + std::string(m.name), std::move(*rule));
    }
  }
  return {};
}

namespace {

// delay and timeout (extensions): whole seconds a branch waits and rings, 0 for the
// ring method's own; bounded so no branch outlives a day of timers.
Status check_branch_seconds(const Address& address, const std::string& prefix) {
  struct Member {
    std::int32_t Address::*seconds;
    std::string_view name;
  };
  static constexpr Member members[] = {{&Address::delay, ".delay"},
                                       {&Address::timeout, ".timeout"}};
  for (const Member& m : members) {
    const std::int32_t value = address.*m.seconds;
    if (value < 0 || value > field_limits::destination_seconds) {
      return Error::invalid(
          prefix + std::string(m.name),
          "must be from 0 to " + std::to_string(field_limits::destination_seconds));
    }
  }
  return {};
}

// A ring group is dialled by its number (or its id, a number too).
Status check_ring_group_number(const Address& address, const std::string& prefix) {
  const std::string_view number = address.target;
  const bool digits = !number.empty() && std::all_of(number.begin(), number.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
  if (digits) return {};
  return Error::invalid(prefix + ".target", "must be a ring group's number (digits)");
}

}  // namespace

Status validate_destination(const Address& address, std::string_view field) {
  const std::string prefix(field);
  if (Status text = check_address_text(address, field); !text) return text;
  // A value cast from outside the enum has no name and cannot be dialled.
  if (to_string(address.type).empty()) {
    return Error::invalid(prefix + ".type", detail::one_of_rule(detail::address_type_names));
  }
  if (Status seconds = check_branch_seconds(address, prefix); !seconds) return seconds;
  if (address.type == AddressType::ring_group) return check_ring_group_number(address, prefix);
  if (!address.target.empty()) return {};
  // An extension may be dialled by its number alone, which VoIPbin carries in target_name.
  if (address.type == AddressType::extension) {
    if (!address.target_name.empty()) return {};
    return Error::invalid(prefix + ".target", "must not be empty when target_name is empty");
  }
  return Error::invalid(prefix + ".target", "must not be empty");
}

}  // namespace chorus
