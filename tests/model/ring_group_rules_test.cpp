// The rules a ring group and an extension group must satisfy on their own: every
// field checked, every refusal naming the field by its JSON path.

#include "model/ring_group_rules.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace chorus {
namespace {

RingGroupMember extension_member(std::string value) {
  RingGroupMember member;
  member.value = std::move(value);
  member.type = RingGroupMemberType::extension;
  return member;
}

// Yeastar's second example group: custom, one sub_option group of three.
RingGroup custom_group() {
  RingGroup group;
  group.number = "6306";
  group.name = "Markting";
  group.ring_strategy = RingStrategy::custom;
  group.ring_timeout = 0;
  RingGroupMember together;
  together.type = RingGroupMemberType::group;
  together.delay_time = 20;
  together.timeout = 20;
  together.sub_option = std::vector<RingGroupMember>{
      extension_member("3071"), extension_member("3074"), extension_member("3075")};
  group.member_list = {together};
  group.alert_info = "ring-group-markting";
  group.welcome_prompt = "SoftBreeze";
  group.moh = "SoftBreeze";
  group.join_prompt = "DID.wav";
  group.play_full_join_prompt = 1;
  return group;
}

RingGroup plain_group() {
  RingGroup group;
  group.number = "6300";
  group.name = "Technical Support Team 2";
  group.ring_strategy = RingStrategy::sequentially;
  group.ring_timeout = 30;
  group.member_list = {extension_member("3071"), extension_member("3074")};
  RingGroupMember team;
  team.value = "Tech Support";
  team.type = RingGroupMemberType::ext_group;
  group.member_list.push_back(team);
  return group;
}

// The refusal `change` causes: its field and, when given, its code.
void expect_refused(RingGroup group, const std::function<void(RingGroup&)>& change,
                    const std::string& field, ErrorCode code = ErrorCode::invalid_argument) {
  change(group);
  const Status status = validate_ring_group(group);
  ASSERT_FALSE(status) << "accepted a group with a bad " << field;
  EXPECT_EQ(status.error().field, field) << status.error().message;
  EXPECT_EQ(status.error().code, code) << status.error().message;
  EXPECT_EQ(status.error().message.rfind(field + ":", 0), 0u) << status.error().message;
}

TEST(RingGroupRules, AcceptsTheDocumentsExamples) {
  EXPECT_TRUE(validate_ring_group(plain_group()));
  EXPECT_TRUE(validate_ring_group(custom_group()));
}

TEST(RingGroupRules, NumberIsOneToThirtyTwoDigits) {
  auto accepted = plain_group();
  accepted.number = std::string(32, '9');
  EXPECT_TRUE(validate_ring_group(accepted));
  expect_refused(
      plain_group(), [](RingGroup& g) { g.number.clear(); }, "number");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.number = std::string(33, '1'); }, "number");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.number = "63a0"; }, "number");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.number = "+6300"; }, "number");
}

TEST(RingGroupRules, NameWithinItsLimitAndUtf8) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.name = std::string(257, 'n'); }, "name");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.name = "\xff\xfe"; }, "name");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.name = std::string("a\0b", 3); }, "name");
}

TEST(RingGroupRules, StrategyAndRingTimeout) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.ring_strategy = static_cast<RingStrategy>(9); },
      "ring_strategy");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.ring_timeout = -1; }, "ring_timeout");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.ring_timeout = 3601; }, "ring_timeout");
  for (RingStrategy strategy :
       {RingStrategy::ring_all, RingStrategy::sequentially, RingStrategy::memory_hunt}) {
    expect_refused(
        plain_group(),
        [strategy](RingGroup& g) {
          g.ring_strategy = strategy;
          g.ring_timeout = 0;
        },
        "ring_timeout");
  }
  auto longest = plain_group();
  longest.ring_timeout = 3600;
  EXPECT_TRUE(validate_ring_group(longest));
}

TEST(RingGroupRules, MemberListIsOneToAHundredMembers) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list.clear(); }, "member_list");
  auto hundred = plain_group();
  hundred.member_list.assign(100, extension_member("2001"));
  EXPECT_TRUE(validate_ring_group(hundred));
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list.assign(101, extension_member("2001")); },
      "member_list", ErrorCode::limit_exceeded);
  // Sub_options count toward the hundred.
  expect_refused(
      custom_group(),
      [](RingGroup& g) {
        g.member_list.push_back(g.member_list.front());
        g.member_list[0].sub_option->assign(98, extension_member("2001"));
      },
      "member_list", ErrorCode::limit_exceeded);
  expect_refused(
      custom_group(),
      [](RingGroup& g) { g.member_list[0].sub_option->assign(101, extension_member("2001")); },
      "member_list[0].sub_option", ErrorCode::limit_exceeded);
}

TEST(RingGroupRules, TypedMembersNeedAValueAndNoSubOption) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list[1].value.clear(); }, "member_list[1].value");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list[2].value.clear(); }, "member_list[2].value");
  expect_refused(
      plain_group(),
      [](RingGroup& g) {
        g.member_list[0].sub_option = std::vector<RingGroupMember>{extension_member("1")};
      },
      "member_list[0].sub_option");
  expect_refused(
      plain_group(),
      [](RingGroup& g) { g.member_list[0].type = static_cast<RingGroupMemberType>(7); },
      "member_list[0].type");
  // null and [] are both "no sub_option".
  auto empty_sub = plain_group();
  empty_sub.member_list[0].sub_option = std::vector<RingGroupMember>{};
  EXPECT_TRUE(validate_ring_group(empty_sub));
}

TEST(RingGroupRules, GroupMembersNeedSubOptionsOneLevelDeep) {
  expect_refused(
      custom_group(), [](RingGroup& g) { g.member_list[0].sub_option.reset(); },
      "member_list[0].sub_option");
  expect_refused(
      custom_group(), [](RingGroup& g) { g.member_list[0].sub_option->clear(); },
      "member_list[0].sub_option");
  expect_refused(
      custom_group(), [](RingGroup& g) { g.member_list[0].value = "3071"; },
      "member_list[0].value");
  expect_refused(
      custom_group(),
      [](RingGroup& g) {
        auto nested = g.member_list[0];
        g.member_list[0].sub_option->push_back(nested);
      },
      "member_list[0].sub_option[3].type");
  expect_refused(
      custom_group(), [](RingGroup& g) { (*g.member_list[0].sub_option)[2].value = ""; },
      "member_list[0].sub_option[2].value");
  expect_refused(
      custom_group(),
      [](RingGroup& g) { (*g.member_list[0].sub_option)[0].value = std::string(257, 'v'); },
      "member_list[0].sub_option[0].value");
}

TEST(RingGroupRules, MemberTextsAndSeconds) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list[1].text = "\xc3"; }, "member_list[1].text");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.member_list[1].text2 = std::string(257, 't'); },
      "member_list[1].text2");
  expect_refused(
      custom_group(), [](RingGroup& g) { g.member_list[0].delay_time = -1; },
      "member_list[0].delay_time");
  expect_refused(
      custom_group(), [](RingGroup& g) { g.member_list[0].timeout = 3601; },
      "member_list[0].timeout");
  expect_refused(
      custom_group(), [](RingGroup& g) { (*g.member_list[0].sub_option)[1].delay_time = 4000; },
      "member_list[0].sub_option[1].delay_time");
}

TEST(RingGroupRules, FailoverValuesFollowTheirDestination) {
  for (FailoverDest dest :
       {FailoverDest::extension, FailoverDest::ext_vm, FailoverDest::group_vm, FailoverDest::ivr,
        FailoverDest::call_flow, FailoverDest::ring_group, FailoverDest::queue,
        FailoverDest::external_num, FailoverDest::play_greeting}) {
    expect_refused(
        plain_group(), [dest](RingGroup& g) { g.fail_dest = dest; }, "fail_dest_value");
    expect_refused(
        plain_group(), [dest](RingGroup& g) { g.no_agent_online_dest = dest; },
        "no_agent_online_value");
  }
  auto chained = plain_group();
  chained.fail_dest = FailoverDest::ring_group;
  chained.fail_dest_value = "6306";
  chained.no_agent_online_dest = FailoverDest::external_num;
  chained.no_agent_online_prefix = "9";
  chained.no_agent_online_value = "+15551234567";
  EXPECT_TRUE(validate_ring_group(chained));
  expect_refused(
      chained, [](RingGroup& g) { g.no_agent_online_value = "555 1234"; }, "no_agent_online_value");
  expect_refused(
      chained, [](RingGroup& g) { g.no_agent_online_prefix = "9#"; }, "no_agent_online_prefix");
  expect_refused(
      plain_group(),
      [](RingGroup& g) {
        g.fail_dest = FailoverDest::play_greeting;
        g.fail_dest_value = "closed.wav";
        g.fail_dest_prefix = "twice";
      },
      "fail_dest_prefix");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.fail_dest = static_cast<FailoverDest>(10); },
      "fail_dest");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.fail_dest_value = std::string(257, '1'); },
      "fail_dest_value");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.fail_dest_prefix = std::string(33, '1'); },
      "fail_dest_prefix");
}

TEST(RingGroupRules, TextsWithinLimitsAndAlertInfoIsOneHeaderLine) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.welcome_prompt = std::string(257, 'w'); },
      "welcome_prompt");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.moh = "\xe2\x82"; }, "moh");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.join_prompt = std::string(257, 'j'); }, "join_prompt");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.client_unique_ringtone = "\xff"; },
      "client_unique_ringtone");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.alert_info = "ring\r\nX-Injected: 1"; }, "alert_info");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.alert_info = std::string(257, 'a'); }, "alert_info");
}

TEST(RingGroupRules, FlagsAreZeroOrOne) {
  expect_refused(
      plain_group(), [](RingGroup& g) { g.play_full_join_prompt = 2; }, "play_full_join_prompt");
  expect_refused(
      plain_group(), [](RingGroup& g) { g.enb_miss_call = -1; }, "enb_miss_call");
  auto enabled = plain_group();
  enabled.enb_miss_call = 1;
  enabled.play_full_join_prompt = 0;
  EXPECT_TRUE(validate_ring_group(enabled));
}

TEST(ExtensionGroupRules, NameAndEntries) {
  ExtensionGroup group;
  group.name = "Tech Support";
  group.extensions = {"2001", "2002"};
  EXPECT_TRUE(validate_extension_group(group));

  auto unnamed = group;
  unnamed.name.clear();
  EXPECT_EQ(validate_extension_group(unnamed).error().field, "name");
  auto blank_entry = group;
  blank_entry.extensions[1].clear();
  EXPECT_EQ(validate_extension_group(blank_entry).error().field, "extensions[1]");
  auto long_entry = group;
  long_entry.extensions[0] = std::string(65, '1');
  EXPECT_EQ(validate_extension_group(long_entry).error().field, "extensions[0]");
  auto too_many = group;
  too_many.extensions.assign(101, "2001");
  const Status status = validate_extension_group(too_many);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(status.error().field, "extensions");
}

}  // namespace
}  // namespace chorus
