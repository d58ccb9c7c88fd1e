#pragma once
// Private: the string of every model enumerator, indexed by its value. One table per
// enum serves printing, parsing and the "must be one of ..." rules of the JSON codec,
// so the three can never disagree.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::detail {

// "" is the wire form of every `unset` enumerator (VoIPbin writes empty strings).
inline constexpr std::array<std::string_view, 7> address_type_names{
    "tel", "endpoint", "sip", "extension", "agent", "ring_group", "instant_group_call"};
inline constexpr std::array<std::string_view, 6> call_status_names{
    "dialing", "ringing", "progressing", "terminating", "canceling", "hangup"};
inline constexpr std::array<std::string_view, 3> call_direction_names{"", "incoming", "outgoing"};
inline constexpr std::array<std::string_view, 3> hangup_by_names{"", "local", "remote"};
inline constexpr std::array<std::string_view, 9> hangup_reason_names{
    "", "normal", "failed", "busy", "cancel", "timeout", "noanswer", "dialout", "amd"};
inline constexpr std::array<std::string_view, 3> groupcall_status_names{"progressing", "hangingup",
                                                                        "hangup"};
inline constexpr std::array<std::string_view, 4> ring_method_names{"", "ring_all", "linear",
                                                                   "memory_hunt"};
inline constexpr std::array<std::string_view, 2> answer_method_names{"", "hangup_others"};

// The name of `value`, or "" for a value outside the enum (a bad cast).
template <class E, std::size_t N>
constexpr std::string_view enum_name(const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view{};
}

template <class E, std::size_t N>
std::optional<E> enum_parse(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "must be one of a, b, c" over the non-empty names; "" is accepted but not advertised.
template <std::size_t N>
std::string one_of_rule(const std::array<std::string_view, N>& names) {
  std::string rule = "must be one of ";
  bool first = true;
  for (std::string_view name : names) {
    if (name.empty()) continue;
    if (!first) rule += ", ";
    rule += name;
    first = false;
  }
  return rule;
}

}  // namespace chorus::detail
