// The limits on free text and lists, and the decoders and validators that apply them.

#include "model/field_limits.hpp"

#include <gtest/gtest.h>

#include <string>

#include "model/address.hpp"
#include "model/json.hpp"
#include "model/json_detail.hpp"
#include "model/utf8.hpp"

namespace chorus {
namespace {

TEST(CheckText, AcceptsTextUpToItsLimit) {
  EXPECT_TRUE(check_text("", "name", 0));
  EXPECT_TRUE(check_text(std::string(256, 'a'), "name", 256));
  EXPECT_TRUE(check_text("Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x93\x9e", "name", 256));
}

TEST(CheckText, RefusesTextOverItsLimitNamingFieldAndLimit) {
  const Status status = check_text(std::string(257, 'a'), "source.name", 256);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(status.error().field, "source.name");
  EXPECT_NE(status.error().message.find("256 bytes"), std::string::npos);
}

TEST(CheckText, RefusesInvalidUtf8) {
  for (const std::string& bad : {std::string("\xff\xfe"), std::string("a\xc3"),
                                 std::string("\xed\xa0\x80"), std::string("\xc0\xaf")}) {
    const Status status = check_text(bad, "target", 512);
    ASSERT_FALSE(status) << "accepted bytes of length " << bad.size();
    EXPECT_EQ(status.error().message, "target: must be valid UTF-8");
  }
}

TEST(CheckText, RefusesNul) {
  const Status status = check_text(std::string("a\0b", 3), "detail", 1024);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "detail");
  EXPECT_NE(status.error().message.find("U+0000"), std::string::npos);
}

TEST(CheckCount, RefusesTooManyItemsAsALimit) {
  EXPECT_TRUE(check_count(100, "addresses", 100));
  const Status status = check_count(101, "addresses", 100);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(status.error().field, "addresses");
}

TEST(Utf8, AcceptsWellFormedAndRefusesMalformed) {
  EXPECT_TRUE(is_valid_utf8("plain ascii, long enough for the fast path"));
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("abcdefgh\x80"));      // stray continuation after ASCII
}

TEST(CheckAddressText, NamesTheMemberThatBreaksItsLimit) {
  Address address{AddressType::tel, "+15551234567", "", std::string(257, 'n'), ""};
  const Status status = check_address_text(address, "source");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "source.name");
  address.name = "ok";
  address.detail = std::string(1025, 'd');
  EXPECT_EQ(check_address_text(address, "source").error().field, "source.detail");
  address.detail = "ok";
  address.target = std::string(513, 't');
  EXPECT_EQ(check_address_text(address, "source").error().field, "source.target");
}

TEST(ValidateDestination, AppliesTheTextLimits) {
  Address address{AddressType::endpoint, std::string("al\xffice"), "", "", ""};
  const Status status = validate_destination(address, "destinations[3]");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "destinations[3].target");
}

// ---- the JSON decoders ----

std::string nested(std::size_t depth, const std::string& open, const std::string& close) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += open;
  for (std::size_t i = 0; i < depth; ++i) text += close;
  return text;
}

TEST(ParseDocument, RefusesHostileNestingWithoutRecursing) {
  // 105,000 levels overflowed the stack of the recursive parser.
  for (const std::string& body :
       {nested(105000, "[", "]"), nested(105000, "{\"a\":", "}"), std::string(200000, '['),
        "{\"source\":" + nested(100000, "[", "]") + "}"}) {
    auto doc = json_detail::parse_document(body);
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().field, "body");
    EXPECT_NE(doc.error().message.find("nested deeper than 64"), std::string::npos);
  }
}

TEST(ParseDocument, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(json_detail::parse_document(nested(json_detail::max_json_depth, "[", "]")));
  EXPECT_FALSE(json_detail::parse_document(nested(json_detail::max_json_depth + 1, "[", "]")));
}

TEST(ParseDocument, BracketsInsideStringsDoNotCount) {
  const std::string body =
      "{\"name\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_TRUE(json_detail::parse_document(body));
}

TEST(AddressFromJson, RefusesInvalidUtf8NamingTheField) {
  auto address = address_from_json("{\"type\":\"tel\",\"target\":\"+1\",\"detail\":\"\xff\xfe\"}");
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().field, "detail");
  EXPECT_NE(address.error().message.find("UTF-8"), std::string::npos);
}

TEST(AddressFromJson, RefusesEscapedNulInAString) {
  auto address = address_from_json(R"({"type":"tel","target":"+1555\u0000123"})");
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().field, "target");
}

TEST(AddressFromJson, RefusesEscapedLoneSurrogate) {
  // \ud800 alone decodes to bytes that are not UTF-8; it must not be stored.
  EXPECT_FALSE(address_from_json(R"({"type":"tel","target":"\ud800"})"));
  EXPECT_FALSE(address_from_json(R"({"type":"tel","target":"\udc00"})"));
}

TEST(AddressFromJson, RefusesOverlongTexts) {
  const std::string name(field_limits::address_name + 1, 'x');
  auto address = address_from_json(R"({"type":"tel","target":"+1","name":")" + name + "\"}");
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().field, "name");
}

TEST(AgentFromJson, RefusesMoreAddressesThanTheCap) {
  std::string body = R"({"name":"a","addresses":[)";
  for (std::size_t i = 0; i <= field_limits::agent_addresses; ++i) {
    body += (i ? "," : "") + std::string(R"({"type":"tel","target":"+1"})");
  }
  body += "]}";
  auto agent = agent_from_json(body);
  ASSERT_FALSE(agent);
  EXPECT_EQ(agent.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(agent.error().field, "addresses");
}

TEST(ExtensionFromJson, RefusesAnOverlongNumber) {
  const std::string number(field_limits::extension_number + 1, '1');
  auto extension = extension_from_json(R"({"extension":")" + number + "\"}");
  ASSERT_FALSE(extension);
  EXPECT_EQ(extension.error().field, "extension");
}

}  // namespace
}  // namespace chorus
