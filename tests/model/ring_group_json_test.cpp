// Yeastar's Ring_Group_Detail codec: both ring groups of the reference document's
// example decode and re-encode to the very same JSON, in the document's field order,
// and every malformed body is refused naming its field.

#include "model/ring_group_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

// The example's data array: the document's answer to ids=8023,8028.
const rapidjson::Value& example_groups(rapidjson::Document& document) {
  const std::string text = test_support::read_data_file("reference/yeastar_ringgroup_query.json");
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError());
  EXPECT_TRUE(document.IsObject() && document.HasMember("data") && document["data"].IsArray());
  return document["data"];
}

RingGroupMember extension_member(const std::string& value) {
  RingGroupMember member;
  member.value = value;
  member.type = RingGroupMemberType::extension;
  return member;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

TEST(RingGroupJson, BothExampleGroupsDecodeAndReEncodeEqual) {
  rapidjson::Document document;
  const rapidjson::Value& groups = example_groups(document);
  ASSERT_EQ(groups.Size(), 2u);
  for (const auto& group : groups.GetArray()) {
    const std::string original = compact(group);
    const Result<RingGroup> decoded = ring_group_from_json(original);
    ASSERT_TRUE(decoded) << decoded.error().message;
    const std::string encoded = to_json(*decoded);
    // Equal as documents, and byte for byte: the same fields in the document's order.
    EXPECT_TRUE(parsed(encoded) == group) << encoded;
    EXPECT_EQ(encoded, original);
    const Result<RingGroup> again = ring_group_from_json(encoded);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, *decoded);
  }
}

TEST(RingGroupJson, ExampleValuesMeanWhatTheDocumentSays) {
  rapidjson::Document document;
  const rapidjson::Value& groups = example_groups(document);
  ASSERT_EQ(groups.Size(), 2u);
  const Result<RingGroup> support = ring_group_from_json(compact(groups[0]));
  ASSERT_TRUE(support) << support.error().message;
  EXPECT_EQ(support->id, 8023);
  EXPECT_EQ(support->number, "6300");
  EXPECT_EQ(support->ring_strategy, RingStrategy::sequentially);
  EXPECT_EQ(support->ring_timeout, 30);
  ASSERT_EQ(support->member_list.size(), 5u);
  EXPECT_EQ(support->member_list[1].text, "Dave Haris");
  EXPECT_EQ(support->member_list[3].type, RingGroupMemberType::ext_group);
  EXPECT_FALSE(support->member_list[3].sub_option.has_value());
  EXPECT_EQ(support->fail_dest, FailoverDest::end_call);
  EXPECT_EQ(support->alert_info, "ring-group-support");
  EXPECT_EQ(support->play_full_join_prompt, 1);

  const Result<RingGroup> marketing = ring_group_from_json(compact(groups[1]));
  ASSERT_TRUE(marketing) << marketing.error().message;
  EXPECT_EQ(marketing->ring_strategy, RingStrategy::custom);
  ASSERT_EQ(marketing->member_list.size(), 1u);
  const RingGroupMember& together = marketing->member_list[0];
  EXPECT_EQ(together.type, RingGroupMemberType::group);
  EXPECT_EQ(together.delay_time, 20);
  EXPECT_EQ(together.timeout, 20);
  ASSERT_TRUE(together.sub_option.has_value());
  ASSERT_EQ(together.sub_option->size(), 3u);
  EXPECT_EQ((*together.sub_option)[2].value, "3075");
  EXPECT_EQ((*together.sub_option)[2].text2, "3021");
}

TEST(RingGroupJson, AbsentSubOptionIsWrittenAsNullAndChorusFieldsNeverLeave) {
  RingGroup group;
  group.id = 7;
  group.customer_id = *Uuid::parse("a1a1a1a1-0000-4000-8000-00000000000a");
  group.tm_create = *Timestamp::parse("2026-11-30 10:00:00.000000");
  group.member_list.push_back(extension_member("1001"));
  const std::string encoded = to_json(group);
  EXPECT_NE(encoded.find(R"("sub_option":null)"), std::string::npos) << encoded;
  EXPECT_EQ(encoded.find("customer_id"), std::string::npos) << encoded;
  EXPECT_EQ(encoded.find("tm_"), std::string::npos) << encoded;
  auto keys = parsed(encoded);
  std::vector<std::string> names;
  for (const auto& member : keys.GetObject()) names.emplace_back(member.name.GetString());
  const std::vector<std::string> document_order{"id",
                                                "number",
                                                "name",
                                                "ring_strategy",
                                                "ring_timeout",
                                                "member_list",
                                                "fail_dest",
                                                "fail_dest_prefix",
                                                "fail_dest_value",
                                                "alert_info",
                                                "welcome_prompt",
                                                "moh",
                                                "join_prompt",
                                                "play_full_join_prompt",
                                                "client_unique_ringtone",
                                                "no_agent_online_dest",
                                                "no_agent_online_prefix",
                                                "no_agent_online_value",
                                                "enb_miss_call"};
  EXPECT_EQ(names, document_order);
}

TEST(RingGroupJson, AbsentFieldsKeepTheBase) {
  RingGroup base;
  base.id = 8023;
  base.number = "6300";
  base.name = "Support";
  base.alert_info = "kept";
  base.member_list.push_back(extension_member("1001"));
  const Result<RingGroup> updated =
      ring_group_from_json(R"({"id":8023,"name":"Support 2","ring_timeout":45})", base);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->name, "Support 2");
  EXPECT_EQ(updated->ring_timeout, 45);
  EXPECT_EQ(updated->number, "6300");
  EXPECT_EQ(updated->alert_info, "kept");
  EXPECT_EQ(updated->member_list, base.member_list);
}

struct BadBody {
  const char* body;
  const char* field;  // the field the error names
};

class RingGroupJsonRefuses : public ::testing::TestWithParam<BadBody> {};

TEST_P(RingGroupJsonRefuses, NamingTheField) {
  const Result<RingGroup> decoded = ring_group_from_json(GetParam().body);
  ASSERT_FALSE(decoded) << GetParam().body;
  // Too many members is a limit; anything else, an invalid argument.
  EXPECT_TRUE(decoded.error().code == ErrorCode::invalid_argument ||
              decoded.error().code == ErrorCode::limit_exceeded);
  EXPECT_EQ(decoded.error().field, GetParam().field) << decoded.error().message;
  EXPECT_EQ(decoded.error().message.rfind(GetParam().field, 0), 0u) << decoded.error().message;
}

const std::string member_ok = R"({"value":"1001","type":"extension"})";
const std::string nested_sub_option =
    R"({"member_list":[{"type":"","sub_option":[{"value":"1","type":"extension","sub_option":[]}]}]})";
const std::string long_text = R"({"name":")" + std::string(1025, 'x') + R"("})";
std::string many_members() {
  std::string body = R"({"member_list":[)";
  for (int i = 0; i < 257; ++i) body += (i ? "," : "") + member_ok;
  return body + "]}";
}
const std::string too_many = many_members();

INSTANTIATE_TEST_SUITE_P(
    Bodies, RingGroupJsonRefuses,
    ::testing::Values(
        BadBody{"", "body"}, BadBody{"{", "body"}, BadBody{"[]", "body"}, BadBody{"null", "body"},
        BadBody{R"({"id":"8023"})", "id"}, BadBody{R"({"id":8023.5})", "id"},
        BadBody{R"({"id":4294967296})", "id"}, BadBody{R"({"number":6300})", "number"},
        BadBody{R"({"name":null})", "name"},
        BadBody{R"({"ring_strategy":"round_robin"})", "ring_strategy"},
        BadBody{R"({"ring_strategy":"RING_ALL"})", "ring_strategy"},
        BadBody{R"({"ring_timeout":"30"})", "ring_timeout"},
        BadBody{R"({"member_list":{}})", "member_list"},
        BadBody{R"({"member_list":[1]})", "member_list[0]"},
        BadBody{R"({"member_list":[{"value":"1","type":"phone"}]})", "member_list[0].type"},
        BadBody{R"({"member_list":[{"value":1}]})", "member_list[0].value"},
        BadBody{R"({"member_list":[{"delay_time":-0.5}]})", "member_list[0].delay_time"},
        BadBody{R"({"member_list":[{"sub_option":{}}]})", "member_list[0].sub_option"},
        BadBody{R"({"member_list":[{"sub_option":[{"type":7}]}]})",
                "member_list[0].sub_option[0].type"},
        BadBody{nested_sub_option.c_str(), "member_list[0].sub_option[0].sub_option"},
        BadBody{R"({"member_list":[{"value":"1","colour":"red"}]})", "member_list[0].colour"},
        BadBody{R"({"fail_dest":"voicemail"})", "fail_dest"},
        BadBody{R"({"no_agent_online_dest":""})", "no_agent_online_dest"},
        BadBody{R"({"play_full_join_prompt":true})", "play_full_join_prompt"},
        BadBody{R"({"enb_miss_call":"1"})", "enb_miss_call"},
        BadBody{R"({"alert_info":"a\u0000b"})", "alert_info"}, BadBody{"{\"moh\":\"\xff\"}", "moh"},
        BadBody{long_text.c_str(), "name"}, BadBody{too_many.c_str(), "member_list"},
        // A misspelt field is refused rather than silently dropped.
        BadBody{R"({"ring_timout":30})", "ring_timout"},
        BadBody{R"({"customer_id":"a1a1a1a1-0000-4000-8000-00000000000a"})", "customer_id"},
        BadBody{R"({"name":"a","name":"b"})", "name"},
        // A name that is not plainly a name is not repeated back.
        BadBody{"{\"\xff\":1}", "body"}, BadBody{R"({"a b":1})", "body"},
        BadBody{R"({"member_list":[{"\u0000":1}]})", "member_list[0]"}));

TEST(RingGroupJson, NestingBeyondTheBoundIsRefusedBeforeParsing) {
  const std::string deep(100000, '[');
  const Result<RingGroup> decoded = ring_group_from_json(R"({"member_list":)" + deep);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().field, "body");
  EXPECT_NE(decoded.error().message.find("nested deeper"), std::string::npos);
}

TEST(RingGroupJson, AHugeObjectIsRefusedAtItsFirstUnknownField) {
  std::string body = "{";
  for (int i = 0; i < 50000; ++i) body += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":0";
  body += "}";
  const Result<RingGroup> decoded = ring_group_from_json(body);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().field, "f0");
}

}  // namespace
}  // namespace chorus
