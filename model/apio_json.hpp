#pragma once
// Netaxis APIO's instant group call bodies as JSON (../shared/reference/003): the
// wire form of InstantGroupCall on the APIO dialect, in APIO's camelCase names and
// in the document's order. id, customer_id and the tm_* stamps are Chorus's own and
// are neither written nor read here.
//
// Decoding reads a POST or PUT body, so it is strict: every present field must have
// the document's type (answerTimeoutEnabled and active are JSON booleans, "true" is
// refused; answerTimeoutMinutes is an integer), texts and lists are bounded, and a
// field the document does not define is refused, naming it, as is one given twice: a
// misspelt "answerTimeoutMinute" would otherwise be dropped and leave the stored
// value in place without a word. Absent fields keep the value of `base`, which is
// how a PUT changes only what it names. The answers' own fields are accepted too, so
// that a GET answer can be sent back as a PUT: "active", "serviceUserId",
// department.fullPathName and serviceInstanceProfile.extension (the list's).
// Every error names the field ("serviceInstanceProfile.department.groupId").

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/instant_group_call.hpp"
#include "model/result.hpp"

namespace chorus {

namespace apio_json_limits {
// The codec's ceilings: they bound what one body can make it allocate, above the
// limits of model/instant_group_call_rules.hpp, which give a service its real bounds.
inline constexpr std::size_t text_bytes = 1024;   // every string field
inline constexpr std::size_t destinations = 256;  // destinationPhoneNumbers
inline constexpr std::size_t services = 1000;     // one bulk active update
}  // namespace apio_json_limits

// What an instance answer holds beyond the GET example's fields.
struct ApioAnswerFields {
  bool service_user_id = false;  // POST answers (it may have been generated)
  bool active = false;           // SERVICE_USERS_RETURN_ACTIVE_STATUS
};

// The instance answer: {"serviceInstanceProfile":{name, department{tenantId, groupId,
// departmentName, fullPathName}, cliFirstName, cliLastName, language, timeZone,
// phoneNumber}, answerTimeoutMinutes, answerTimeoutEnabled, destinationPhoneNumbers}
// with serviceUserId first and active last when asked. department is left out when the
// service has none; fullPathName is the stored one, else departmentName (Chorus keeps
// no department tree).
std::string to_apio_json(const InstantGroupCall& service, ApioAnswerFields fields = {});

// The list answer: {"instantGroupCalls":[{serviceUserId, name, phoneNumber, extension,
// department}]}.
std::string to_apio_list_json(const std::vector<InstantGroupCall>& services);

Result<InstantGroupCall> instant_group_call_from_apio_json(std::string_view json,
                                                           InstantGroupCall base = {});

// One entry of the bulk active update: a serviceUserId and its new `active`.
using ApioActiveChange = std::pair<std::string, bool>;
// {"services":[{"serviceUserId":"...","active":true}]}: both members required in each.
Result<std::vector<ApioActiveChange>> active_changes_from_apio_json(std::string_view json);
std::string to_apio_json(const std::vector<ApioActiveChange>& changes);

}  // namespace chorus
