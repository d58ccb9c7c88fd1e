#pragma once
// Private: the strings of the conference enums, indexed by value, in the style of
// enum_names.hpp. One table per enum serves printing, parsing and the codecs'
// "must be one of ..." rules.

#include <array>
#include <string_view>

namespace chorus::detail {

inline constexpr std::array<std::string_view, 3> conference_type_names{"", "conference", "connect"};
inline constexpr std::array<std::string_view, 4> conference_status_names{
    "starting", "progressing", "terminating", "terminated"};
inline constexpr std::array<std::string_view, 4> conferencecall_status_names{"joining", "joined",
                                                                             "leaving", "leaved"};
inline constexpr std::array<std::string_view, 1> conferencecall_reference_type_names{"call"};

}  // namespace chorus::detail
