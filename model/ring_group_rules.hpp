#pragma once
// What a ring group and an extension group must satisfy on their own, before the
// directory checks what they refer to: every field within its range and length,
// every text well-formed UTF-8, members and failovers complete for their type.
// Errors name the field by its JSON path ("member_list[2].sub_option[0].value").

#include <cstddef>
#include <cstdint>

#include "model/extension_group.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus::ring_group_limits {

inline constexpr std::size_t number = 32;  // digits
inline constexpr std::size_t name = 256;
// Members ringing at once cost a leg each: at most this many entries in
// member_list, in one sub_option, and leaf members (extension or ext_group) in all.
inline constexpr std::size_t members = 100;
inline constexpr std::int32_t max_seconds = 3600;  // ring_timeout, delay_time, timeout
inline constexpr std::size_t member_value = 256;   // an id, a number or a group's name
inline constexpr std::size_t member_text = 256;
inline constexpr std::size_t dest_prefix = 32;
inline constexpr std::size_t dest_value = 256;
inline constexpr std::size_t prompt = 256;      // file and playlist names
inline constexpr std::size_t alert_info = 256;  // one SIP header value
inline constexpr std::size_t extension_group_members = 100;
inline constexpr std::size_t extension_group_entry = 64;  // an extension's id or number

}  // namespace chorus::ring_group_limits

namespace chorus {

Status validate_ring_group(const RingGroup& group);
Status validate_extension_group(const ExtensionGroup& group);

}  // namespace chorus
