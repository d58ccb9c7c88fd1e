// APIO's serviceUserId rule: every placeholder rendered (random digits from a source
// the test controls), unknown placeholders refused when parsed, country codes from the
// E.164 table, and a rename for a new phone number that keeps the random digits.

#include "model/apio_service_user_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chorus {
namespace {

// "1234567890123..." one digit per call.
RandomDigit counting() {
  return [n = 0]() mutable { return static_cast<char>('0' + (++n % 10)); };
}

const ServiceUserIdContext context{"ApioSpTest", "ApioGrpTest", "sip.netaxis.be", "+3271112233"};

ServiceUserIdRule rule(const std::string& text) {
  auto parsed = ServiceUserIdRule::parse(text, "rule");
  EXPECT_TRUE(parsed) << text << ": " << parsed.error().message;
  return parsed ? *parsed : ServiceUserIdRule();
}

std::string render(const std::string& text, const ServiceUserIdContext& c = context) {
  auto id = rule(text).render(c, counting());
  EXPECT_TRUE(id) << text << ": " << id.error().message;
  return id ? *id : std::string();
}

TEST(ApioServiceUserId, TheDefaultRuleIsApios) {
  const ServiceUserIdRule r;
  EXPECT_EQ(r.text(), "{{group_id}}_igc{{RND_4}}@{{domain}}");
  EXPECT_EQ(r.render(context, counting()).value(), "ApioGrpTest_igc1234@sip.netaxis.be");
  EXPECT_FALSE(r.uses_phone_number());
}

TEST(ApioServiceUserId, EveryPlaceholder) {
  EXPECT_EQ(render("{{tenant_id}}.{{group_id}}"), "ApioSpTest.ApioGrpTest");
  EXPECT_EQ(render("{{RND_1}}{{RND_12}}"), "1234567890123");
  EXPECT_EQ(render("igc{{phone_number_e164}}@{{domain}}"), "igc+3271112233@sip.netaxis.be");
  EXPECT_EQ(render("{{country_code}}-{{national_no_0}}"), "32-71112233");
  EXPECT_TRUE(rule("{{national_no_0}}").uses_phone_number());
  EXPECT_TRUE(rule("{{country_code}}").uses_phone_number());
  EXPECT_TRUE(rule("{{phone_number_e164}}").uses_phone_number());
  EXPECT_EQ(render("plain"), "plain");
}

TEST(ApioServiceUserId, UnknownPlaceholdersAreRefusedWhenParsed) {
  for (const char* bad : {"{{groupid}}", "{{RND_0}}", "{{RND_17}}", "{{RND_x}}", "{{RND_}}",
                          "{{group_id}", "a{{", "{{}}", "", "{{ group_id }}"}) {
    auto parsed = ServiceUserIdRule::parse(bad, "SUID_INSTANT_GROUP_CALL_RULE");
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().field, "SUID_INSTANT_GROUP_CALL_RULE");
    }
  }
}

// A placeholder that is not a plain name is not repeated: the rule may not be UTF-8
// (fuzz_apio_json's regression rule_placeholder_not_utf8).
TEST(ApioServiceUserId, AnUnknownPlaceholderIsNamedOnlyWhenPlain) {
  auto plain = ServiceUserIdRule::parse("{{groupid}}@x", "rule");
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message.find("{{groupid}}"), std::string::npos) << plain.error().message;
  auto raw = ServiceUserIdRule::parse("{{grou\xff\xffp_id}}", "rule");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().message.find('\xff'), std::string::npos);
  EXPECT_NE(raw.error().message.find("{{...}}"), std::string::npos) << raw.error().message;
}

TEST(ApioServiceUserId, PhonePlaceholdersNeedAUsableNumber) {
  ServiceUserIdContext none = context;
  none.phone_number.clear();
  auto id = rule("{{national_no_0}}").render(none, counting());
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().field, "serviceInstanceProfile.phoneNumber");
  ServiceUserIdContext unassigned = context;
  unassigned.phone_number = "+2851234567";  // 28x is not assigned
  EXPECT_FALSE(rule("{{country_code}}").render(unassigned, counting()));
  // Without a phone placeholder the number is not needed.
  EXPECT_TRUE(rule("{{group_id}}").render(none, counting()));
}

TEST(ApioServiceUserId, CountryCodesOfOneTwoAndThreeDigits) {
  struct Case {
    const char* number;
    const char* code;
    const char* national;
  };
  for (const Case& c :
       {Case{"+12125550100", "1", "2125550100"}, Case{"+74951234567", "7", "4951234567"},
        Case{"+3271112233", "32", "71112233"}, Case{"+442071234567", "44", "2071234567"},
        Case{"+35312345678", "353", "12345678"}, Case{"+380441234567", "380", "441234567"},
        Case{"+97142345678", "971", "42345678"}, Case{"+8613912345678", "86", "13912345678"},
        Case{"+2348012345678", "234", "8012345678"}, Case{"+8821234", "882", "1234"}}) {
    auto parts = split_e164(c.number);
    ASSERT_TRUE(parts) << c.number;
    EXPECT_EQ(parts->country_code, c.code) << c.number;
    EXPECT_EQ(parts->national_number, c.national) << c.number;
  }
  for (const char* bad : {"+2851234", "+32", "3271112233", "+0327", "+969123"}) {
    EXPECT_FALSE(split_e164(bad)) << bad;
  }
}

TEST(ApioServiceUserId, ARenameKeepsTheRandomDigitsAndChangesTheNumbersPart) {
  const auto r = rule("{{group_id}}_{{national_no_0}}_{{RND_3}}@{{domain}}");
  ServiceUserIdContext after = context;
  after.phone_number = "+3222223333";
  EXPECT_EQ(r.renamed("ApioGrpTest_71112233_907@sip.netaxis.be", context, after),
            "ApioGrpTest_22223333_907@sip.netaxis.be");
  // An id the rule did not build from the old number is left alone.
  EXPECT_FALSE(r.renamed("chosen@sip.netaxis.be", context, after));
  EXPECT_FALSE(r.renamed("ApioGrpTest_71112234_907@sip.netaxis.be", context, after));
  EXPECT_FALSE(r.renamed("ApioGrpTest_71112233_9x7@sip.netaxis.be", context, after));
  // A new number the rule cannot use leaves it alone too.
  ServiceUserIdContext removed = context;
  removed.phone_number.clear();
  EXPECT_FALSE(r.renamed("ApioGrpTest_71112233_907@sip.netaxis.be", context, removed));
  const auto e164 = rule("{{phone_number_e164}}@{{domain}}");
  EXPECT_EQ(e164.renamed("+3271112233@sip.netaxis.be", context, after),
            "+3222223333@sip.netaxis.be");
}

}  // namespace
}  // namespace chorus
