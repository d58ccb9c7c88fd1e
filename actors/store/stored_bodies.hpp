#pragma once
// Private to the SQLite store: the JSON bodies of extension groups, ring groups,
// missed calls and instant group calls. Every field is kept, so a row reads back
// equal to what was written. Extension groups and missed calls are the model's
// codec (model/json.hpp) as it is; a ring group is Yeastar's Ring_Group_Detail
// (model/ring_group_json.hpp) with customer_id and the tm_* stamps beside its
// fields in the same object. Instant group calls have their own codec here:
// APIO's answer (model/apio_json.hpp) leaves out extension and templateName and
// writes a missing fullPathName as departmentName, so it cannot round-trip a row.

#include <string>
#include <string_view>

#include "model/extension_group.hpp"
#include "model/instant_group_call.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus::stored_bodies {

std::string encode(const ExtensionGroup& group);
std::string encode(const RingGroup& group);
std::string encode(const MissedCall& call);
std::string encode(const InstantGroupCall& service);

Result<ExtensionGroup> extension_group(std::string_view body);
Result<RingGroup> ring_group(std::string_view body);
Result<MissedCall> missed_call(std::string_view body);
Result<InstantGroupCall> instant_group_call(std::string_view body);

}  // namespace chorus::stored_bodies
