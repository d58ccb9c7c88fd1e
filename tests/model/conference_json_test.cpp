// The conference and conferencecall codecs, and the normal form of a conference's data.

#include "model/conference_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

#include "model/conference_request.hpp"
#include "model/field_limits.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;

// Nested data with every kind of JSON value and non-ASCII text, in normal form.
const std::string full_data =
    R"({"room":"Réunion 会議 📞","quoted":"a \"b\" \\ c\n\td","n":[1,-2,3.25,1e300,null,true,false],)"
    R"("nested":{"deeper":{"list":[{"k":"v"},[],{}]},"empty":""},"dup":1,"dup":2,"ключ":"значение"})";

// A conference with every field away from its default.
Conference full_conference() {
  Conference c;
  c.id = id("99accfb7-c0dd-4a54-997d-dd18af7bc280");
  c.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  c.type = ConferenceType::connect;
  c.status = ConferenceStatus::terminating;
  c.name = "Réunion \"hebdo\" 週次 🎧";
  c.detail = "line one\nline two\\ – ü";
  c.data = full_data;
  c.timeout = 3600;
  c.pre_flow_id = id("11111111-2222-4333-8444-555555555501");
  c.post_flow_id = id("11111111-2222-4333-8444-555555555502");
  c.conferencecall_ids = {id("b8aa51f6-5cc1-40ba-9737-45ca24dab153"),
                          id("b8aa51f6-5cc1-40ba-9737-45ca24dab154"),
                          id("b8aa51f6-5cc1-40ba-9737-45ca24dab155")};
  c.recording_id = id("11111111-2222-4333-8444-555555555503");
  c.recording_ids = {id("11111111-2222-4333-8444-555555555504")};
  c.transcribe_id = id("11111111-2222-4333-8444-555555555505");
  c.transcribe_ids = {id("11111111-2222-4333-8444-555555555506"),
                      id("11111111-2222-4333-8444-555555555507")};
  c.direct_hash = "00112233445566778899aabbccddeeff";
  c.max_participants = 10000;
  c.tm_end = *Timestamp::parse("2022-08-06 19:09:47.349667");
  c.tm_create = *Timestamp::parse("2022-08-06 16:57:12.247946");
  c.tm_update = *Timestamp::parse("2022-08-06 19:09:47.349668");
  c.tm_delete = *Timestamp::parse("2024-02-29 23:59:59.999999");
  return c;
}

Conferencecall full_conferencecall() {
  Conferencecall c;
  c.id = id("b8aa51f6-5cc1-40ba-9737-45ca24dab153");
  c.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  c.activeflow_id = id("11111111-2222-4333-8444-555555555508");
  c.conference_id = id("99accfb7-c0dd-4a54-997d-dd18af7bc280");
  c.reference_type = ConferencecallReferenceType::call;
  c.reference_id = id("7cb70145-a20a-4070-8b23-9131410d301d");
  c.status = ConferencecallStatus::leaved;
  c.tm_create = *Timestamp::parse("2022-08-06 16:57:12.247946");
  c.tm_update = *Timestamp::parse("2022-08-06 19:09:47.349667");
  c.tm_delete = *Timestamp::parse("2022-08-06 19:09:48.000001");
  return c;
}

std::vector<std::string> member_names(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  EXPECT_TRUE(document.IsObject()) << json;
  std::vector<std::string> names;
  if (!document.IsObject()) return names;
  for (const auto& member : document.GetObject()) names.emplace_back(member.name.GetString());
  return names;
}

bool contains(const std::string& json, const std::string& part) {
  return json.find(part) != std::string::npos;
}

TEST(ConferenceJson, WritesEveryFieldInVoipbinOrder) {
  const std::string json = to_json(full_conference());
  EXPECT_EQ(member_names(json), (std::vector<std::string>{"id",
                                                          "customer_id",
                                                          "type",
                                                          "status",
                                                          "name",
                                                          "detail",
                                                          "data",
                                                          "timeout",
                                                          "pre_flow_id",
                                                          "post_flow_id",
                                                          "conferencecall_ids",
                                                          "recording_id",
                                                          "recording_ids",
                                                          "transcribe_id",
                                                          "transcribe_ids",
                                                          "direct_hash",
                                                          "max_participants",
                                                          "tm_end",
                                                          "tm_create",
                                                          "tm_update",
                                                          "tm_delete"}));
  EXPECT_TRUE(contains(json, R"("type":"connect","status":"terminating")"));
  EXPECT_TRUE(contains(json, R"("data":)" + full_data + R"(,"timeout":3600,)")) << json;
  EXPECT_TRUE(contains(json, R"("name":"Réunion \"hebdo\" 週次 🎧")")) << json;
  EXPECT_TRUE(contains(json, R"("conferencecall_ids":["b8aa51f6-5cc1-40ba-9737-45ca24dab153",)"));
  EXPECT_TRUE(contains(json, R"("max_participants":10000,"tm_end":"2022-08-06 19:09:47.349667")"));
}

TEST(ConferenceJson, RoundTripsByteIdenticalWithEveryFieldSet) {
  const Conference c = full_conference();
  const std::string json = to_json(c);
  const Result<Conference> back = conference_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, c);
  EXPECT_EQ(to_json(*back), json);
}

TEST(ConferenceJson, DefaultWritesZeroUuidsEmptyArraysAndNotYet) {
  const std::string json = to_json(Conference{});
  const std::string zero = "00000000-0000-0000-0000-000000000000";
  const std::string not_yet = "9999-01-01 00:00:00.000000";
  EXPECT_EQ(json, R"({"id":")" + zero + R"(","customer_id":")" + zero +
                      R"(","type":"","status":"starting","name":"","detail":"","data":{},)"
                      R"("timeout":0,"pre_flow_id":")" +
                      zero + R"(","post_flow_id":")" + zero +
                      R"(","conferencecall_ids":[],"recording_id":")" + zero +
                      R"(","recording_ids":[],"transcribe_id":")" + zero +
                      R"(","transcribe_ids":[],"direct_hash":"","max_participants":0,)"
                      R"("tm_end":")" +
                      not_yet + R"(","tm_create":")" + not_yet + R"(","tm_update":")" + not_yet +
                      R"(","tm_delete":")" + not_yet + R"("})");
  const Result<Conference> back = conference_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, Conference{});
}

TEST(ConferencecallJson, EncodesExactlyInVoipbinOrder) {
  EXPECT_EQ(
      to_json(full_conferencecall()),
      R"({"id":"b8aa51f6-5cc1-40ba-9737-45ca24dab153",)"
      R"("customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b",)"
      R"("activeflow_id":"11111111-2222-4333-8444-555555555508",)"
      R"("conference_id":"99accfb7-c0dd-4a54-997d-dd18af7bc280",)"
      R"("reference_type":"call","reference_id":"7cb70145-a20a-4070-8b23-9131410d301d",)"
      R"("status":"leaved","tm_create":"2022-08-06 16:57:12.247946",)"
      R"("tm_update":"2022-08-06 19:09:47.349667","tm_delete":"2022-08-06 19:09:48.000001"})");
}

TEST(ConferencecallJson, RoundTripsByteIdentical) {
  for (ConferencecallStatus status :
       {ConferencecallStatus::joining, ConferencecallStatus::joined, ConferencecallStatus::leaving,
        ConferencecallStatus::leaved}) {
    Conferencecall c = full_conferencecall();
    c.status = status;
    const std::string json = to_json(c);
    const Result<Conferencecall> back = conferencecall_from_json(json);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, c);
    EXPECT_EQ(to_json(*back), json);
  }
  const Result<Conferencecall> blank = conferencecall_from_json(to_json(Conferencecall{}));
  ASSERT_TRUE(blank);
  EXPECT_EQ(*blank, Conferencecall{});
}

// The reference document's example reads as it is, and gains only activeflow_id.
TEST(ConferencecallJson, ReadsTheReferenceExample) {
  const std::string example =
      R"({"id":"b8aa51f6-5cc1-40ba-9737-45ca24dab153",)"
      R"("customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b",)"
      R"("conference_id":"99accfb7-c0dd-4a54-997d-dd18af7bc280","reference_type":"call",)"
      R"("reference_id":"7cb70145-a20a-4070-8b23-9131410d301d","status":"leaved",)"
      R"("tm_create":"2022-08-06 16:57:12.247946","tm_update":"2022-08-06 19:09:47.349667",)"
      R"("tm_delete":"9999-01-01 00:00:00.000000"})";
  const Result<Conferencecall> c = conferencecall_from_json(example);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->status, ConferencecallStatus::leaved);
  EXPECT_EQ(c->reference_id, id("7cb70145-a20a-4070-8b23-9131410d301d"));
  EXPECT_FALSE(c->tm_delete.is_set());
  std::string expected = example;
  expected.insert(expected.find(R"("conference_id")"),
                  R"("activeflow_id":"00000000-0000-0000-0000-000000000000",)");
  EXPECT_EQ(to_json(*c), expected);
}

struct BadInput {
  std::string json;
  std::string field;
  std::string message;
};

template <class T>
void expect_refusals(const std::vector<BadInput>& cases,
                     const std::function<Result<T>(std::string_view)>& decode) {
  for (const BadInput& c : cases) {
    const Result<T> result = decode(c.json);
    ASSERT_FALSE(result) << c.json;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument) << c.json;
    EXPECT_EQ(result.error().field, c.field) << c.json;
    EXPECT_EQ(result.error().message, c.message) << c.json;
  }
}

TEST(ConferenceJson, RefusalsNameTheField) {
  expect_refusals<Conference>(
      {
          {R"({"type":"queue"})", "type", "type: must be one of conference, connect"},
          {R"({"type":1})", "type", "type: must be a string"},
          {R"({"status":"hangup"})", "status",
           "status: must be one of starting, progressing, terminating, terminated"},
          {R"({"name":7})", "name", "name: must be a string"},
          {R"({"name":")" + std::string(257, 'n') + R"("})", "name",
           "name: must be at most 256 bytes"},
          {R"({"detail":")" + std::string(1025, 'd') + R"("})", "detail",
           "detail: must be at most 1024 bytes"},
          {R"({"detail":"a\u0000b"})", "detail", "detail: must not contain U+0000"},
          {R"({"data":[]})", "data", "data: must be an object"},
          {R"({"timeout":"60"})", "timeout", "timeout: must be a 32-bit integer"},
          {R"({"pre_flow_id":"x"})", "pre_flow_id", "pre_flow_id: must be a UUID"},
          {R"({"conferencecall_ids":["b8aa51f6-5cc1-40ba-9737-45ca24dab153",null]})",
           "conferencecall_ids[1]", "conferencecall_ids[1]: must be a string"},
          {R"({"recording_ids":{}})", "recording_ids", "recording_ids: must be an array"},
          {R"({"transcribe_id":""})", "transcribe_id", "transcribe_id: must be a UUID"},
          {R"({"direct_hash":")" + std::string(33, 'a') + R"("})", "direct_hash",
           "direct_hash: must be at most 32 bytes"},
          {R"({"max_participants":1.5})", "max_participants",
           "max_participants: must be a 32-bit integer"},
          {R"({"tm_end":"yesterday"})", "tm_end",
           "tm_end: must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff"},
      },
      conference_from_json);
}

TEST(ConferencecallJson, RefusalsNameTheField) {
  expect_refusals<Conferencecall>(
      {
          {R"({"reference_type":"groupcall"})", "reference_type",
           "reference_type: must be one of call"},
          {R"({"reference_type":""})", "reference_type", "reference_type: must be one of call"},
          {R"({"status":"left"})", "status",
           "status: must be one of joining, joined, leaving, leaved"},
          {R"({"activeflow_id":5})", "activeflow_id", "activeflow_id: must be a string"},
          {R"({"conference_id":"99accfb7c0dd4a54997ddd18af7bc280"})", "conference_id",
           "conference_id: must be a UUID"},
          {R"({"tm_update":"2022-08-06"})", "tm_update",
           "tm_update: must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff"},
          {"[]", "body", "body: must be a JSON object"},
      },
      conferencecall_from_json);
}

TEST(ConferenceJson, UnknownFieldsAreIgnored) {
  const Result<Conference> c =
      conference_from_json(R"({"timeout":5,"confbridge_id":"x","pre_actions":[{"type":"talk"}]})");
  ASSERT_TRUE(c) << c.error().message;
  Conference expected;
  expected.timeout = 5;
  EXPECT_EQ(*c, expected);
}

// ---- data ----

// `data` as a conference's JSON carries it, read back and written again.
std::string data_round_trip(const std::string& data) {
  const Result<Conference> c = conference_from_json(R"({"data":)" + data + "}");
  EXPECT_TRUE(c) << data << ": " << (c ? "" : c.error().message);
  if (!c) return "";
  const std::string json = to_json(*c);
  const std::string key = R"("data":)";
  const std::size_t start = json.find(key) + key.size();
  const std::size_t end = json.find(R"(,"timeout":)");
  return json.substr(start, end - start);
}

TEST(ConferenceData, CompactDataComesBackByteForByte) {
  for (const std::string& data :
       {std::string("{}"), full_data, std::string(R"({"a":{"b":{"c":[1,2,{"d":null}]}}})"),
        std::string(R"({"url":"https://example.com/a/b?x=1&y=2","emoji":"🎉","cjk":"会議"})"),
        std::string(R"({"big":18446744073709551615,"neg":-9223372036854775808,"f":0.1})")}) {
    EXPECT_EQ(data_round_trip(data), data);
  }
}

TEST(ConferenceData, OtherSpellingsComeBackAsTheSameValueInNormalForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{ \"a\" : 1 ,\n\t\"b\" : [ 1 , 2 ] }", R"({"a":1,"b":[1,2]})"},
      {R"({"e":"\u00e9\u4f1a","s":"\/","q":"\"","c":"\u0001"})",
       "{\"e\":\"\xc3\xa9\xe4\xbc\x9a\",\"s\":\"/\",\"q\":\"\\\"\",\"c\":\"\\u0001\"}"},
      {R"({"pair":"\ud83d\udcde"})", "{\"pair\":\"\xf0\x9f\x93\x9e\"}"},
      {R"({"n":1E2,"m":1.50,"k":-0.0,"h":12345678901234567890123})",
       R"({"n":100.0,"m":1.5,"k":-0.0,"h":1.2345678901234568e22})"},
  };
  for (const auto& [given, normal] : cases) {
    EXPECT_EQ(data_round_trip(given), normal) << given;
    // The normal form is a fixed point: it comes back as itself.
    EXPECT_EQ(data_round_trip(normal), normal) << normal;
    const Result<Text> direct = conference_data_from_json(given);
    ASSERT_TRUE(direct) << direct.error().message;
    EXPECT_EQ(direct->view(), normal);
  }
}

TEST(ConferenceData, EmptyObjectIsHeldAsEmptyText) {
  const Result<Text> empty = conference_data_from_json(" { } ");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  const Result<Conference> c = conference_from_json(R"({"data":{}})");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->data.empty());
  EXPECT_EQ(*c, Conference{});
}

// An object of `levels` levels of nesting, alternating objects and arrays below the top.
std::string nested(std::size_t levels) {
  std::string open = "{\"a\":";
  std::string close = "}";
  for (std::size_t level = 2; level < levels; ++level) {
    open += level % 2 == 0 ? "[" : "{\"b\":";
    close.insert(0, level % 2 == 0 ? "]" : "}");
  }
  return open + (levels > 1 ? "{\"leaf\":1}" : "1") + close;
}

TEST(ConferenceData, NestingIsLimited) {
  const std::size_t limit = field_limits::conference_data_depth;
  const std::string deepest = nested(limit);
  EXPECT_EQ(data_round_trip(deepest), deepest);
  for (std::size_t levels : {limit + 1, limit + 10}) {
    const Result<Conference> c = conference_from_json(R"({"data":)" + nested(levels) + "}");
    ASSERT_FALSE(c) << levels;
    EXPECT_EQ(c.error().field, "data");
    EXPECT_EQ(c.error().message, "data: must nest at most 32 levels");
    const Result<Text> direct = conference_data_from_json(nested(levels));
    ASSERT_FALSE(direct);
    EXPECT_EQ(direct.error().message, "data: must nest at most 32 levels");
  }
  // Deeper than any document may be: refused before it is parsed, still naming data.
  const Result<Text> hostile = conference_data_from_json(std::string(100000, '['));
  ASSERT_FALSE(hostile);
  EXPECT_EQ(hostile.error().field, "data");
  EXPECT_EQ(hostile.error().message.rfind("data: malformed JSON: nested deeper than", 0), 0u)
      << hostile.error().message;
}

TEST(ConferenceData, SizeOfTheNormalFormIsLimited) {
  const std::size_t limit = field_limits::conference_data;
  // {"a":"..."} is 8 bytes around the string.
  const std::string largest = R"({"a":")" + std::string(limit - 8, 'x') + R"("})";
  ASSERT_EQ(largest.size(), limit);
  EXPECT_EQ(data_round_trip(largest), largest);
  // Whitespace is not stored, so it does not count.
  const std::string padded = "{  \"a\"  :  \"" + std::string(limit - 8, 'x') + "\"  }";
  EXPECT_EQ(data_round_trip(padded), largest);

  const std::string over = R"({"a":")" + std::string(limit - 7, 'x') + R"("})";
  const Result<Conference> c = conference_from_json(R"({"data":)" + over + "}");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "data");
  EXPECT_EQ(c.error().message, "data: must be at most 16384 bytes as compact JSON");
  // An escape counts as the bytes it takes in the normal form.
  const std::string escaped = R"({"a":")" + std::string(limit - 9, 'x') + R"(\u0001"})";
  EXPECT_FALSE(conference_data_from_json(escaped));
}

TEST(ConferenceData, NonObjectsAreRefused) {
  for (const std::string data : {"[]", "[{}]", "\"{}\"", "1", "null", "true"}) {
    const Result<Conference> c = conference_from_json(R"({"data":)" + data + "}");
    ASSERT_FALSE(c) << data;
    EXPECT_EQ(c.error().field, "data");
    EXPECT_EQ(c.error().message, "data: must be an object");
    const Result<Text> direct = conference_data_from_json(data);
    ASSERT_FALSE(direct) << data;
    EXPECT_EQ(direct.error().message, "data: must be an object");
  }
  const Result<Text> malformed = conference_data_from_json(R"({"a":)");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().field, "data");
  EXPECT_EQ(malformed.error().message.rfind("data: malformed JSON: ", 0), 0u)
      << malformed.error().message;
}

// Bad text anywhere in data, value or member name, at any depth; the error names
// data only, never the client's bytes.
TEST(ConferenceData, BadTextAnywhereIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"a\":\"\xff\"}", "data: must be valid UTF-8"},
      {"{\"\xc3\":1}", "data: must be valid UTF-8"},
      {"{\"a\":[1,{\"b\":[\"ok\",\"\xed\xa0\x80\"]}]}", "data: must be valid UTF-8"},
      {R"({"lone":"\udc00"})", "data: must be valid UTF-8"},
      {R"({"a":"x\u0000y"})", "data: must not contain U+0000"},
      {R"({"a\u0000":1})", "data: must not contain U+0000"},
  };
  for (const auto& [data, message] : cases) {
    const Result<Conference> c = conference_from_json("{\"data\":" + data + "}");
    ASSERT_FALSE(c) << data;
    EXPECT_EQ(c.error().field, "data");
    EXPECT_EQ(c.error().message, message);
  }
}

}  // namespace
}  // namespace chorus

namespace chorus {
namespace {

// Found by fuzz_conference: a number RapidJSON's fast parse reads an ulp off, so
// its shortest text read back as another double; data's normal form is now the
// text that reads back as itself, and a request's data passes its validator.
TEST(ConferenceData, ALongMantissaSettlesInANormalFormThatReadsBackAsItself) {
  auto normal = conference_data_from_json(R"({"zzzn":21474836486.57777777777777})");
  ASSERT_TRUE(normal.ok()) << normal.error().message;
  auto again = conference_data_from_json(std::string_view(*normal));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::string_view(*again), std::string_view(*normal));
  auto create = conference_create_from_json(
      R"({"data":{"zzzn":21474836486.57777777777777},"max_participants":20})", Uuid::generate());
  ASSERT_TRUE(create.ok()) << create.error().message;
  EXPECT_TRUE(validate(*create).ok());
}

}  // namespace
}  // namespace chorus
