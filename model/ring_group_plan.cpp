#include "model/ring_group_plan.hpp"

#include <array>

namespace chorus {

namespace {

constexpr std::array<RingMethod, 4> method_of_strategy{
    RingMethod::ring_all,     // ring_all
    RingMethod::linear,       // sequentially
    RingMethod::memory_hunt,  // memory_hunt
    RingMethod::ring_all,     // custom: ring_all, each with its own delay and timeout
};

struct Timing {
  std::int32_t delay = 0;
  std::int32_t timeout = 0;
};

class MemberList {
 public:
  MemberList(const RingGroup& group, const DirectoryView& directory)
      : group_(group), directory_(directory) {}

  std::vector<MemberDestination> expand() {
    for (const RingGroupMember& member : group_.member_list) {
      add(member, timing_of(member, Timing{}));
      ++member_;
    }
    return std::move(out_);
  }

 private:
  // Custom only: the member's own, else its group's, else the default.
  Timing timing_of(const RingGroupMember& member, Timing group) const {
    if (group_.ring_strategy != RingStrategy::custom) return {};
    Timing t{member.delay_time > 0 ? member.delay_time : group.delay,
             member.timeout > 0 ? member.timeout : group.timeout};
    return t;
  }

  void add(const RingGroupMember& member, Timing timing) {
    switch (member.type) {
      case RingGroupMemberType::extension:
        return add_extension(member.value, timing);
      case RingGroupMemberType::ext_group:
        return add_extension_group(member.value, timing);
      case RingGroupMemberType::group:
        if (!member.sub_option) return;
        for (const RingGroupMember& sub : *member.sub_option) add(sub, timing_of(sub, timing));
        return;
    }
  }

  void add_extension_group(const std::string& id_or_name, Timing timing) {
    auto group = directory_.find_extension_group(group_.customer_id, id_or_name);
    if (!group) return;
    for (const std::string& extension : group->extensions) add_extension(extension, timing);
  }

  void add_extension(const std::string& value, Timing timing) {
    Address wanted;
    wanted.type = AddressType::extension;
    wanted.target = Text(value);
    auto extension = directory_.find_extension(group_.customer_id, wanted);
    if (!extension || extension->contacts.empty()) return;  // unavailable
    MemberDestination d;
    d.address.type = AddressType::extension;
    d.address.target = Text(extension->id.to_string());
    d.address.target_name = Text(extension->extension);
    d.address.name = Text(extension->name);
    d.address.delay = timing.delay;
    d.address.timeout = group_.ring_strategy == RingStrategy::custom && timing.timeout == 0
                            ? Groupcall::default_ring_timeout
                            : timing.timeout;
    d.member = member_;
    out_.push_back(std::move(d));
  }

  const RingGroup& group_;
  const DirectoryView& directory_;
  std::uint32_t member_ = 0;
  std::vector<MemberDestination> out_;
};

}  // namespace

RingMethod ring_method_of(RingStrategy strategy) {
  return method_of_strategy[static_cast<std::size_t>(strategy)];
}

std::vector<MemberDestination> available_members(const RingGroup& group,
                                                 const DirectoryView& directory) {
  return MemberList(group, directory).expand();
}

}  // namespace chorus
