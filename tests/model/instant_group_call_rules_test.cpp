// What an instant group call must satisfy: answerTimeoutMinutes 1..60, E.164 numbers,
// a bounded non-empty destination list, bounded UTF-8 texts and a serviceUserId fit
// for a URL path; each refusal names the APIO field.

#include "model/instant_group_call_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chorus {
namespace {

InstantGroupCall valid() {
  InstantGroupCall s;
  s.service_user_id = "APIOTestIGC@sip.netaxis.be";
  s.name = "Test User";
  s.phone_number = "+3271112233";
  s.answer_timeout_minutes = 5;
  s.destination_phone_numbers = {"+3271123456", "+3271123457"};
  s.department = ApioDepartment{"ApioSpTest", "ApioGrpTest", "test_department_initial", ""};
  return s;
}

std::string field_of(const InstantGroupCall& s) {
  auto status = validate_instant_group_call(s);
  EXPECT_FALSE(status) << "accepted";
  return status ? std::string() : status.error().field;
}

TEST(InstantGroupCallRules, TheDocumentsExampleIsValid) {
  EXPECT_TRUE(validate_instant_group_call(valid()));
  InstantGroupCall no_number = valid();
  no_number.phone_number.clear();
  no_number.department.reset();
  EXPECT_TRUE(validate_instant_group_call(no_number));
}

TEST(InstantGroupCallRules, AnswerTimeoutMinutesIsOneToSixty) {
  for (int minutes : {1, 60}) {
    InstantGroupCall s = valid();
    s.answer_timeout_minutes = minutes;
    EXPECT_TRUE(validate_instant_group_call(s)) << minutes;
  }
  for (int minutes : {0, 61, -1}) {
    InstantGroupCall s = valid();
    s.answer_timeout_minutes = minutes;
    EXPECT_EQ(field_of(s), "answerTimeoutMinutes") << minutes;
  }
}

TEST(InstantGroupCallRules, NumbersAreE164) {
  EXPECT_TRUE(is_e164("+1"));
  EXPECT_TRUE(is_e164("+123456789012345"));
  for (const char* bad :
       {"", "+", "3271112233", "+0327111", "+1234567890123456", "+32 71", "+32-71", "++32"}) {
    EXPECT_FALSE(is_e164(bad)) << bad;
    InstantGroupCall s = valid();
    s.phone_number = bad;
    if (*bad) {
      EXPECT_EQ(field_of(s), "serviceInstanceProfile.phoneNumber") << bad;
    }
    InstantGroupCall d = valid();
    d.destination_phone_numbers[1] = bad;
    EXPECT_EQ(field_of(d), "destinationPhoneNumbers[1]") << bad;
  }
}

TEST(InstantGroupCallRules, DestinationsAreOneToAHundredDistinctNumbers) {
  InstantGroupCall s = valid();
  s.destination_phone_numbers.clear();
  EXPECT_EQ(field_of(s), "destinationPhoneNumbers");
  for (int i = 0; i < 100; ++i)
    s.destination_phone_numbers.push_back("+3271" + std::to_string(100000 + i));
  EXPECT_TRUE(validate_instant_group_call(s));
  s.destination_phone_numbers.push_back("+3272000000");
  EXPECT_EQ(field_of(s), "destinationPhoneNumbers");
  InstantGroupCall twice = valid();
  twice.destination_phone_numbers[1] = twice.destination_phone_numbers[0];
  EXPECT_EQ(field_of(twice), "destinationPhoneNumbers[1]");
}

TEST(InstantGroupCallRules, ServiceUserIdIsRequiredBoundedAndFitForAPath) {
  for (const char* bad : {"", "a/b", "a b", "a?b", "a#b", "a%40b", "a\\b", "\xc3\xa9"}) {
    InstantGroupCall s = valid();
    s.service_user_id = bad;
    EXPECT_EQ(field_of(s), "serviceUserId") << bad;
  }
  InstantGroupCall s = valid();
  s.service_user_id = std::string(161, 'a');
  EXPECT_TRUE(validate_instant_group_call(s));
  s.service_user_id += 'a';
  EXPECT_EQ(field_of(s), "serviceUserId");
  s.service_user_id = "+3271112233@sip.example.com";
  EXPECT_TRUE(validate_instant_group_call(s));
}

TEST(InstantGroupCallRules, TextsAreBoundedUtf8) {
  InstantGroupCall s = valid();
  s.name = std::string(257, 'n');
  EXPECT_EQ(field_of(s), "serviceInstanceProfile.name");
  s = valid();
  s.time_zone = "\xff";
  EXPECT_EQ(field_of(s), "serviceInstanceProfile.timeZone");
  s = valid();
  s.cli_last_name = std::string("a\0b", 3);
  EXPECT_EQ(field_of(s), "serviceInstanceProfile.cliLastName");
  s = valid();
  s.department->group_id = std::string(65, 'g');
  EXPECT_EQ(field_of(s), "serviceInstanceProfile.department.groupId");
  s = valid();
  s.department->department_name.clear();
  EXPECT_EQ(field_of(s), "serviceInstanceProfile.department.departmentName");
  s = valid();
  s.template_name = std::string(300, 't');
  EXPECT_EQ(field_of(s), "templateName");
}

}  // namespace
}  // namespace chorus
