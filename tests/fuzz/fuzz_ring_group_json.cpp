// Yeastar's Ring_Group_Detail codec (model/ring_group_json.hpp): the input is a create
// or update body. Properties: a refused body's error is clean text naming a field; an
// accepted one re-encodes to valid JSON that decodes to the same group, whose encoding
// is the same again; decoding over a base (an update) changes only what the body names
// (here: a body naming no field leaves the base as it was).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/ring_group_json.hpp"
#include "property.hpp"

namespace {

// A base with every field away from its default, as an update finds a stored group.
chorus::RingGroup stored_group() {
  chorus::RingGroup g;
  g.id = 8023;
  g.number = "6300";
  g.name = "Technical Support Team 2";
  g.ring_strategy = chorus::RingStrategy::custom;
  g.ring_timeout = 0;
  chorus::RingGroupMember member;
  member.value = "3071";
  member.text = "Evelyn";
  chorus::RingGroupMember together;
  together.type = chorus::RingGroupMemberType::group;
  together.delay_time = 20;
  together.sub_option = std::vector<chorus::RingGroupMember>{member};
  g.member_list = {member, together};
  g.fail_dest = chorus::FailoverDest::external_num;
  g.fail_dest_prefix = "9";
  g.fail_dest_value = "5551234";
  g.alert_info = "ring-group-support";
  g.play_full_join_prompt = 1;
  g.no_agent_online_dest = chorus::FailoverDest::play_greeting;
  g.enb_miss_call = 1;
  return g;
}

void accepted(const chorus::RingGroup& group) {
  const std::string encoded = chorus::to_json(group);
  chorus::fuzz::expect_json(encoded, "an encoded ring group");
  auto again = chorus::ring_group_from_json(encoded);
  if (!again) chorus::fuzz::broken("an encoded ring group decodes: " + again.error().message);
  chorus::fuzz::expect(*again == group, "decode(encode(group)) == group", encoded);
  chorus::fuzz::expect(chorus::to_json(*again) == encoded, "the encoding is stable", encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const chorus::RingGroup base = stored_group();
  for (const chorus::RingGroup& onto : {chorus::RingGroup{}, base}) {
    auto decoded = chorus::ring_group_from_json(body, onto);
    if (!decoded) {
      chorus::fuzz::expect_clean_error(decoded.error(), "a refused body");
      chorus::fuzz::expect(!decoded.error().field.empty(), "an error names a field",
                           decoded.error().message);
      continue;
    }
    accepted(*decoded);
    if (body.find(':') == std::string_view::npos) {
      chorus::fuzz::expect(*decoded == onto, "a body naming no field changes nothing", body);
    }
  }
  return 0;
}
