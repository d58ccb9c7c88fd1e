#pragma once
// The most each free-text field and list may hold. Every text is stored with its
// resource, echoed in lists and events and, for addresses, carried by every leg, so
// each has a bound that keeps one request from costing the daemon more than a few
// kilobytes per leg. Lengths are in bytes of UTF-8. The README lists them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace chorus::field_limits {

inline constexpr std::size_t address_target = 512;  // a SIP URI with its parameters
inline constexpr std::size_t address_target_name = 256;
inline constexpr std::size_t address_name = 256;
inline constexpr std::size_t address_detail = 1024;
inline constexpr std::size_t owner_type = 64;
inline constexpr std::size_t directory_name = 256;   // an agent's or extension's name
inline constexpr std::size_t extension_number = 64;  // the number dialled
inline constexpr std::size_t agent_addresses = 100;
inline constexpr std::size_t extension_contacts = 100;
inline constexpr std::size_t conference_name = 256;
inline constexpr std::size_t conference_detail = 1024;
// A conference's data: its compact JSON text, and how deep it nests (the object
// itself is level 1). Shallow enough that a snapshot carrying it, inside any event
// or list envelope, stays well within json_detail::max_json_depth.
inline constexpr std::size_t conference_data = 16 * 1024;
inline constexpr std::size_t conference_data_depth = 32;
// Extensions of VoIPbin's groupcall: a destination's delay and timeout (seconds, 0 is
// the ring method's own; repeats are bounded by Groupcall::max_repeats), and where a
// failover went.
inline constexpr std::int32_t destination_seconds = 3600;
inline constexpr std::size_t failover_dest = 64;
inline constexpr std::size_t failover_value = 256;
// An extension group's members (extension ids or numbers).
inline constexpr std::size_t extension_group_members = 100;
// An SDP body, the caller's offer or a destination's answer (a SIP driver drops a
// larger answer and reports the leg failed).
inline constexpr std::size_t sdp = 64 * 1024;

}  // namespace chorus::field_limits

namespace chorus {

// The rule `text` breaks, or nullopt: at most `max_bytes`, well-formed UTF-8, no
// U+0000 (which C strings, SIP headers and many JSON consumers would cut or choke
// on). Callers name the field only when a rule is broken, so the common case
// builds no field path.
std::optional<std::string> broken_text_rule(std::string_view text, std::size_t max_bytes);

// One text field; the error names `field` and the rule.
Status check_text(std::string_view text, std::string_view field, std::size_t max_bytes);

// A list field: at most `max_items`.
Status check_count(std::size_t count, std::string_view field, std::size_t max_items);

}  // namespace chorus
