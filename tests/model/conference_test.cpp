// The conference and conferencecall enums both ways, their refusals, is_full, and
// direct_hash.

#include "model/conference.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/conferencecall.hpp"
#include "model/direct_hash.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::expect_both_ways;

template <class Parse>
void expect_not_a_conference_enum(Parse parse, std::vector<std::string_view> extra) {
  extra.insert(extra.end(), {"unknown", " ", "null", "CALL", "Joined", "joined ", "left"});
  for (std::string_view text : extra) EXPECT_FALSE(parse(text)) << '"' << text << '"';
}

TEST(ConferenceEnums, Type) {
  expect_both_ways<ConferenceType>({{ConferenceType::unset, ""},
                                    {ConferenceType::conference, "conference"},
                                    {ConferenceType::connect, "connect"}},
                                   parse_conference_type);
  // VoIPbin's queue type is its own business; Chorus has no queues.
  expect_not_a_conference_enum(parse_conference_type,
                               {"unset", "queue", "Conference", "conferences"});
  EXPECT_EQ(effective(ConferenceType::unset), ConferenceType::conference);
  EXPECT_EQ(effective(ConferenceType::conference), ConferenceType::conference);
  EXPECT_EQ(effective(ConferenceType::connect), ConferenceType::connect);
}

TEST(ConferenceEnums, Status) {
  expect_both_ways<ConferenceStatus>({{ConferenceStatus::starting, "starting"},
                                      {ConferenceStatus::progressing, "progressing"},
                                      {ConferenceStatus::terminating, "terminating"},
                                      {ConferenceStatus::terminated, "terminated"}},
                                     parse_conference_status);
  expect_not_a_conference_enum(parse_conference_status, {"", "started", "hangup", "Progressing"});
}

TEST(ConferenceEnums, ConferencecallStatus) {
  expect_both_ways<ConferencecallStatus>({{ConferencecallStatus::joining, "joining"},
                                          {ConferencecallStatus::joined, "joined"},
                                          {ConferencecallStatus::leaving, "leaving"},
                                          {ConferencecallStatus::leaved, "leaved"}},
                                         parse_conferencecall_status);
  expect_not_a_conference_enum(parse_conferencecall_status, {"", "leaved ", "joinning"});
}

TEST(ConferenceEnums, ReferenceType) {
  expect_both_ways<ConferencecallReferenceType>({{ConferencecallReferenceType::call, "call"}},
                                                parse_conferencecall_reference_type);
  // No unset enumerator: "" is not a reference type.
  expect_not_a_conference_enum(parse_conferencecall_reference_type, {"", "groupcall", "calls"});
}

TEST(ConferenceEnums, OutOfRangeValuesPrintEmpty) {
  EXPECT_EQ(to_string(static_cast<ConferenceStatus>(17)), "");
  EXPECT_EQ(to_string(static_cast<ConferencecallStatus>(4)), "");
}

TEST(Conference, EqualityCoversEveryField) {
  const Conference base;
  std::vector<void (*)(Conference&)> changes = {
      [](Conference& c) { c.id = Uuid::generate(); },
      [](Conference& c) { c.customer_id = Uuid::generate(); },
      [](Conference& c) { c.type = ConferenceType::connect; },
      [](Conference& c) { c.status = ConferenceStatus::progressing; },
      [](Conference& c) { c.name = "n"; },
      [](Conference& c) { c.detail = "d"; },
      [](Conference& c) { c.data = R"({"a":1})"; },
      [](Conference& c) { c.timeout = 1; },
      [](Conference& c) { c.pre_flow_id = Uuid::generate(); },
      [](Conference& c) { c.post_flow_id = Uuid::generate(); },
      [](Conference& c) { c.conferencecall_ids.push_back(Uuid::generate()); },
      [](Conference& c) { c.recording_id = Uuid::generate(); },
      [](Conference& c) { c.recording_ids.push_back(Uuid::generate()); },
      [](Conference& c) { c.transcribe_id = Uuid::generate(); },
      [](Conference& c) { c.transcribe_ids.push_back(Uuid::generate()); },
      [](Conference& c) { c.direct_hash = "h"; },
      [](Conference& c) { c.max_participants = 2; },
      [](Conference& c) { c.tm_end = Timestamp::from_micros(1); },
      [](Conference& c) { c.tm_create = Timestamp::from_micros(1); },
      [](Conference& c) { c.tm_update = Timestamp::from_micros(1); },
      [](Conference& c) { c.tm_delete = Timestamp::from_micros(1); },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Conference changed = base;
    changes[i](changed);
    EXPECT_NE(changed, base) << "change " << i;
    EXPECT_EQ(changed, changed) << "change " << i;
  }
}

TEST(Conferencecall, EqualityCoversEveryField) {
  const Conferencecall base;
  std::vector<void (*)(Conferencecall&)> changes = {
      [](Conferencecall& c) { c.id = Uuid::generate(); },
      [](Conferencecall& c) { c.customer_id = Uuid::generate(); },
      [](Conferencecall& c) { c.activeflow_id = Uuid::generate(); },
      [](Conferencecall& c) { c.conference_id = Uuid::generate(); },
      [](Conferencecall& c) { c.reference_id = Uuid::generate(); },
      [](Conferencecall& c) { c.status = ConferencecallStatus::leaved; },
      [](Conferencecall& c) { c.tm_create = Timestamp::from_micros(1); },
      [](Conferencecall& c) { c.tm_update = Timestamp::from_micros(1); },
      [](Conferencecall& c) { c.tm_delete = Timestamp::from_micros(1); },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Conferencecall changed = base;
    changes[i](changed);
    EXPECT_NE(changed, base) << "change " << i;
  }
}

TEST(Conference, DefaultsAreZeroEmptyAndNotYet) {
  const Conference c;
  EXPECT_EQ(c.type, ConferenceType::unset);
  EXPECT_EQ(c.status, ConferenceStatus::starting);
  EXPECT_TRUE(c.recording_id.is_zero());
  EXPECT_TRUE(c.recording_ids.empty());
  EXPECT_TRUE(c.transcribe_id.is_zero());
  EXPECT_TRUE(c.transcribe_ids.empty());
  EXPECT_EQ(c.max_participants, 0);
  EXPECT_FALSE(c.tm_end.is_set());
  const Conferencecall cc;
  EXPECT_EQ(cc.reference_type, ConferencecallReferenceType::call);
  EXPECT_EQ(cc.status, ConferencecallStatus::joining);
  EXPECT_TRUE(cc.activeflow_id.is_zero());
}

TEST(Conference, IsFullOnlyAtItsLimit) {
  Conference c;
  for (int i = 0; i < 50; ++i) c.conferencecall_ids.push_back(Uuid::generate());
  EXPECT_FALSE(is_full(c)) << "0 is unlimited";
  c.max_participants = 51;
  EXPECT_FALSE(is_full(c));
  c.max_participants = 50;
  EXPECT_TRUE(is_full(c));
  c.max_participants = 3;
  EXPECT_TRUE(is_full(c)) << "lowered below the count";
  c.conferencecall_ids.clear();
  c.max_participants = 1;
  EXPECT_FALSE(is_full(c));
}

TEST(DirectHash, IsTheBytesInLowerCaseHex) {
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 17);
  EXPECT_EQ(direct_hash_from(bytes), "00112233445566778899aabbccddeeff");
  bytes.fill(0xA5);
  EXPECT_EQ(direct_hash_from(bytes), "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5");
}

TEST(DirectHash, GeneratedOnesAreHexAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string hash = generate_direct_hash();
    ASSERT_EQ(hash.size(), direct_hash_size);
    ASSERT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos) << hash;
    seen.insert(hash);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace chorus
