#pragma once
// Yeastar P-Series' Ring_Group_Detail as JSON (../shared/reference/004): the wire
// form of a ring group on Yeastar's API, field for field and in the document's
// order. customer_id and the tm_* stamps are Chorus's own and are neither written
// nor read here.
//
// Decoding reads a create or update body, so it is strict: every present field must
// have the document's type (integers are integers, "30" is refused), enum strings
// must be the document's, a member's sub_option is null or an array of members that
// have no sub_option themselves (one level, as the document shows), lists and texts
// are bounded, and a field the document does not define is refused, naming it: a
// misspelt field would otherwise be dropped and leave its default in place. Absent
// fields keep the value of `base`, which is how an update changes only what it names.
// Every error names the field ("member_list[1].sub_option[0].type").

#include <cstddef>
#include <string>
#include <string_view>

#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus {

namespace ring_group_json_limits {
// The codec's ceilings: they bound what one body can make it allocate, above the
// limits of model/ring_group_rules.hpp, which give a group its real bounds.
inline constexpr std::size_t text_bytes = 1024;  // every string field
inline constexpr std::size_t members = 256;      // member_list, and each sub_option
}  // namespace ring_group_json_limits

std::string to_json(const RingGroup& group);

Result<RingGroup> ring_group_from_json(std::string_view json, RingGroup base = {});

}  // namespace chorus
