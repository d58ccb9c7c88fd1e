#pragma once
// What an instant group call must satisfy on its own, before the directory checks
// that its serviceUserId and phoneNumber are free: every field within its range
// and length, every text well-formed UTF-8, every number E.164. Errors name the
// field by its APIO JSON path ("serviceInstanceProfile.phoneNumber",
// "destinationPhoneNumbers[1]"), as the APIO dialect's bodies spell them.

#include <cstddef>
#include <string_view>

#include "model/instant_group_call.hpp"
#include "model/result.hpp"

namespace chorus::instant_group_call_limits {

// BroadWorks bounds a user id at 161 characters (user@domain), a group's and a
// service provider's id at 30; Chorus gives the ids some room above that.
inline constexpr std::size_t service_user_id = 161;
inline constexpr std::size_t placement_id = 64;  // tenantId, groupId (path and department)
inline constexpr std::size_t text = 256;         // name, cli names, language, timeZone, ...
inline constexpr std::size_t full_path_name = 1024;
// Each destination is one leg ringing at once.
inline constexpr std::size_t destinations = 100;
inline constexpr std::size_t e164_digits = 15;

}  // namespace chorus::instant_group_call_limits

namespace chorus {

// "+" then 1 to 15 digits, the first not 0 (ITU-T E.164).
bool is_e164(std::string_view number);

// A serviceUserId, tenantId or groupId: it travels in a URL path segment, so it is
// 1..max_bytes visible ASCII without '/', '?', '#', '%' or '\'.
Status check_path_id(std::string_view id, std::string_view field, std::size_t max_bytes);

Status validate_instant_group_call(const InstantGroupCall& service);

}  // namespace chorus
