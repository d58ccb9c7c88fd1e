#pragma once
// How a ring group rings, in the dial plan's terms: its strategy as a ring method,
// and its members as destinations. Only available members ring: an extension with
// no contact, an unknown one, or an extension group with none available is left
// out. An ext_group member rings every available extension of its group together,
// and so does a sub_option group. With the custom strategy each destination
// carries its member's delay_time and timeout (a sub_option member without its own
// takes its group's; without any, Groupcall::default_ring_timeout).

#include <cstdint>
#include <vector>

#include "model/address.hpp"
#include "model/dial_plan.hpp"
#include "model/ring_group.hpp"

namespace chorus {

struct MemberDestination {
  Address address;  // type extension, target the extension's id; delay, timeout
  std::uint32_t member = 0;
};

RingMethod ring_method_of(RingStrategy strategy);

std::vector<MemberDestination> available_members(const RingGroup& group,
                                                 const DirectoryView& directory);

}  // namespace chorus
