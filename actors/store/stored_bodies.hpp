#pragma once
// Private to the SQLite store: the JSON bodies of the rows whose model codecs leave
// fields out (extension groups and missed calls are stored by model/json.hpp's
// codec as it is). Every field is kept, so a row reads back equal to what was
// written. A ring group is Yeastar's Ring_Group_Detail (model/ring_group_json.hpp)
// with customer_id and the tm_* stamps beside its fields in the same object. An
// instant group call has its own codec here: APIO's answer (model/apio_json.hpp)
// leaves out extension and templateName and writes a missing fullPathName as
// departmentName, so it cannot round-trip a row.

#include <string>
#include <string_view>

#include "model/instant_group_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus::stored_bodies {

std::string encode(const RingGroup& group);
std::string encode(const InstantGroupCall& service);

Result<RingGroup> ring_group(std::string_view body);
Result<InstantGroupCall> instant_group_call(std::string_view body);

}  // namespace chorus::stored_bodies
