#include "model/json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <vector>

#include "model/json_detail.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;
using test_support::status_of;

Address address(AddressType type, std::string target, std::string target_name = "",
                std::string name = "", std::string detail = "") {
  return Address{type, std::move(target), std::move(target_name), std::move(name),
                 std::move(detail)};
}

// A groupcall with every field away from its default.
Groupcall full_groupcall() {
  Groupcall g;
  g.id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  g.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  g.owner_type = "agent";
  g.owner_id = id("11111111-2222-4333-8444-555555555555");
  g.status = GroupcallStatus::hangingup;
  g.source = address(AddressType::tel, "+821028286521", "Alice", "alice", "from \"home\"");
  g.destinations = {address(AddressType::endpoint, "test11@test"),
                    address(AddressType::sip, "sip:bob@example.com", "", "Bob \u00e9"),
                    address(AddressType::extension, "", "2001"),
                    address(AddressType::agent, "aaaaaaaa-0000-4000-8000-000000000001"),
                    address(AddressType::ring_group, "6300")};
  g.destinations[0].delay = 5;  // extensions: per-destination schedule
  g.destinations[0].timeout = 20;
  g.master_call_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  g.master_groupcall_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a7");
  g.ring_method = RingMethod::linear;
  g.answer_method = AnswerMethod::hangup_others;
  g.answer_call_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a8");
  g.answer_groupcall_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a9");
  g.call_ids = {id("00000000-0000-4000-8000-000000000001"),
                id("00000000-0000-4000-8000-000000000002")};
  g.groupcall_ids = {id("00000000-0000-4000-8000-000000000003")};
  g.call_count = 2;
  g.groupcall_count = 1;
  g.dial_index = 3;
  g.ring_timeout = 45;
  g.answer_timeout = 600;
  g.conference_id = id("99accfb7-c0dd-4a54-997d-dd18af7bc280");
  g.repeats = 2;
  g.fail_on_single_reject = true;
  g.failover = Failover{"extension", "2002"};
  g.tm_create = *Timestamp::parse("2023-04-21 15:33:28.569053");
  g.tm_update = *Timestamp::parse("2023-04-21 15:33:29.000001");
  g.tm_delete = *Timestamp::parse("2024-02-29 23:59:59.999999");
  return g;
}

Call full_call() {
  Call c;
  c.id = id("00000000-0000-4000-8000-000000000001");
  c.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  c.groupcall_id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  c.master_call_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  c.conference_id = id("99accfb7-c0dd-4a54-997d-dd18af7bc280");
  c.source = address(AddressType::tel, "+15551234567");
  c.destination = address(AddressType::endpoint, "test11@test", "Test", "t", "d");
  c.direction = CallDirection::incoming;
  c.status = CallStatus::hangup;
  c.hangup_by = HangupBy::remote;
  c.hangup_reason = HangupReason::noanswer;
  c.tm_create = Timestamp::from_micros(1682091208569053);
  c.tm_update = Timestamp::from_micros(1682091208569054);
  c.tm_progressing = Timestamp::from_micros(1682091208569055);
  c.tm_ringing = Timestamp::from_micros(1682091208569056);
  c.tm_hangup = Timestamp::from_micros(1682091208569057);
  c.tm_delete = Timestamp::from_micros(1682091208569058);
  return c;
}

Agent full_agent() {
  Agent a;
  a.id = id("aaaaaaaa-0000-4000-8000-000000000001");
  a.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  a.name = "Agent Smith";
  a.addresses = {address(AddressType::tel, "+15550000001"),
                 address(AddressType::endpoint, "smith@desk")};
  a.ring_method = RingMethod::linear;
  a.tm_create = Timestamp::from_micros(1);
  a.tm_update = Timestamp::from_micros(2);
  return a;
}

Extension full_extension() {
  Extension e;
  e.id = id("eeeeeeee-0000-4000-8000-000000000001");
  e.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  e.name = "front desk";
  e.extension = "2001";
  e.contacts = {address(AddressType::sip, "sip:2001@10.0.0.1:5060")};
  e.tm_create = Timestamp::from_micros(3);
  return e;
}

// The member names of a JSON object, in document order.
std::vector<std::string> member_names(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  EXPECT_TRUE(document.IsObject()) << json;
  std::vector<std::string> names;
  if (!document.IsObject()) return names;
  for (const auto& member : document.GetObject()) names.emplace_back(member.name.GetString());
  return names;
}

TEST(Json, AddressEncodesExactly) {
  EXPECT_EQ(to_json(address(AddressType::tel, "+1", "n\"t", "a\\b", "é")),
            R"({"type":"tel","target":"+1","target_name":"n\"t","name":"a\\b","detail":"é"})");
}

TEST(Json, GroupcallRoundTripsAndWritesEveryFieldInOrder) {
  const Groupcall g = full_groupcall();
  const std::string json = to_json(g);
  EXPECT_EQ(member_names(json), (std::vector<std::string>{"id",
                                                          "customer_id",
                                                          "owner_type",
                                                          "owner_id",
                                                          "status",
                                                          "source",
                                                          "destinations",
                                                          "master_call_id",
                                                          "master_groupcall_id",
                                                          "ring_method",
                                                          "answer_method",
                                                          "answer_call_id",
                                                          "answer_groupcall_id",
                                                          "call_ids",
                                                          "groupcall_ids",
                                                          "call_count",
                                                          "groupcall_count",
                                                          "dial_index",
                                                          "ring_timeout",
                                                          "answer_timeout",
                                                          "conference_id",
                                                          "repeats",
                                                          "fail_on_single_reject",
                                                          "failover",
                                                          "tm_create",
                                                          "tm_update",
                                                          "tm_delete"}));
  EXPECT_NE(json.find(R"("status":"hangingup")"), std::string::npos);
  EXPECT_NE(json.find(R"("ring_timeout":45)"), std::string::npos);
  EXPECT_NE(json.find(R"("tm_delete":"2024-02-29 23:59:59.999999")"), std::string::npos);
  const Result<Groupcall> back = groupcall_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, g);
}

TEST(Json, DefaultGroupcallWritesZeroUuidsAndNotYet) {
  const std::string json = to_json(Groupcall{});
  EXPECT_NE(json.find(R"("answer_call_id":"00000000-0000-0000-0000-000000000000")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("ring_method":"")"), std::string::npos);
  EXPECT_NE(json.find(R"("tm_create":"9999-01-01 00:00:00.000000")"), std::string::npos);
  EXPECT_NE(json.find(R"("destinations":[])"), std::string::npos);
  EXPECT_EQ(*groupcall_from_json(json), Groupcall{});
}

TEST(Json, CallRoundTripsAndWritesEveryFieldInOrder) {
  const Call c = full_call();
  const std::string json = to_json(c);
  EXPECT_EQ(member_names(json),
            (std::vector<std::string>{
                "id", "customer_id", "groupcall_id", "master_call_id", "conference_id", "source",
                "destination", "direction", "status", "hangup_by", "hangup_reason", "tm_create",
                "tm_update", "tm_progressing", "tm_ringing", "tm_hangup", "tm_delete"}));
  EXPECT_NE(json.find(R"("hangup_reason":"noanswer")"), std::string::npos);
  const Result<Call> back = call_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, c);
  // The unset enumerators are written as "" and read back as unset.
  const Call blank;
  EXPECT_NE(to_json(blank).find(R"("hangup_by":"","hangup_reason":"")"), std::string::npos);
  EXPECT_EQ(*call_from_json(to_json(blank)), blank);
}

TEST(Json, AgentRoundTripsAndWritesEveryFieldInOrder) {
  const Agent a = full_agent();
  const std::string json = to_json(a);
  EXPECT_EQ(member_names(json),
            (std::vector<std::string>{"id", "customer_id", "name", "addresses", "ring_method",
                                      "tm_create", "tm_update", "tm_delete"}));
  const Result<Agent> back = agent_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
}

TEST(Json, ExtensionRoundTripsAndWritesEveryFieldInOrder) {
  const Extension e = full_extension();
  const std::string json = to_json(e);
  EXPECT_EQ(member_names(json),
            (std::vector<std::string>{"id", "customer_id", "name", "extension", "contacts",
                                      "tm_create", "tm_update", "tm_delete"}));
  const Result<Extension> back = extension_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
}

TEST(Json, AddressRoundTrips) {
  for (AddressType type : {AddressType::tel, AddressType::endpoint, AddressType::sip,
                           AddressType::extension, AddressType::agent, AddressType::ring_group}) {
    const Address a = address(type, "t", "tn", "n", "d");
    EXPECT_EQ(*address_from_json(to_json(a)), a);
  }
}

TEST(Json, AbsentFieldsKeepDefaultsAndUnknownFieldsAreIgnored) {
  const Result<Groupcall> g =
      groupcall_from_json(R"({"dial_index":2,"colour":"blue","nested":{"a":[1,2]}})");
  ASSERT_TRUE(g) << g.error().message;
  Groupcall expected;
  expected.dial_index = 2;
  EXPECT_EQ(*g, expected);
  EXPECT_EQ(g->ring_timeout, Groupcall::default_ring_timeout);

  const Result<Call> c = call_from_json("{}");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, Call{});

  const Result<Address> a = address_from_json(R"({"target":"x"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, AddressType::tel);
  EXPECT_EQ(a->target, "x");
}

TEST(Json, AcceptsUpperCaseUuids) {
  const Result<Groupcall> g =
      groupcall_from_json(R"({"id":"D8596B14-4D8E-4A86-AFDE-642B46D59AC7","owner_type":"ab"})");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->id, id("d8596b14-4d8e-4a86-afde-642b46d59ac7"));
  EXPECT_EQ(*groupcall_from_json(to_json(*g)), *g);
}

// An escaped NUL would survive JSON but not C strings, SIP headers or many consumers.
TEST(Json, RefusesEmbeddedNul) {
  const Result<Groupcall> g = groupcall_from_json(R"({"owner_type":"a\u0000b"})");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().field, "owner_type");
}

TEST(Json, InputNeedNotBeNulTerminated) {
  const std::string text = R"({"dial_index":7}{"dial_index":8})";
  const Result<Groupcall> g = groupcall_from_json(std::string_view(text.data(), 16));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->dial_index, 7);
}

struct BadInput {
  std::string json;
  std::string field;
  std::string message;
};

void expect_refusals(const std::vector<BadInput>& cases,
                     const std::function<Status(const std::string&)>& decode) {
  for (const BadInput& c : cases) {
    const Status status = decode(c.json);
    ASSERT_FALSE(status) << c.json;
    EXPECT_EQ(status.error().code, ErrorCode::invalid_argument) << c.json;
    EXPECT_EQ(status.error().field, c.field) << c.json;
    EXPECT_EQ(status.error().message, c.message) << c.json;
  }
}

TEST(Json, GroupcallRefusalsNameTheField) {
  const std::string uuid_rule = "must be a UUID";
  const std::string ts_rule = "must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff";
  expect_refusals(
      {
          {R"({"destinations":[{"type":"tel"},{"type":"fax"}]})", "destinations[1].type",
           "destinations[1].type: must be one of tel, endpoint, sip, extension, agent, ring_group, "
           "instant_group_call"},
          {R"({"destinations":[{"type":7}]})", "destinations[0].type",
           "destinations[0].type: must be a string"},
          {R"({"destinations":[{},"x"]})", "destinations[1]", "destinations[1]: must be an object"},
          {R"({"destinations":{}})", "destinations", "destinations: must be an array"},
          {R"({"call_ids":["3c77eb43-2098-4890-bb6c-5af0707ba4a6","bad"]})", "call_ids[1]",
           "call_ids[1]: " + uuid_rule},
          {R"({"groupcall_ids":[1]})", "groupcall_ids[0]", "groupcall_ids[0]: must be a string"},
          {R"({"id":"d8596b14-4d8e-4a86-afde-642b46d59ac"})", "id", "id: " + uuid_rule},
          {R"({"id":null})", "id", "id: must be a string"},
          {R"({"owner_type":false})", "owner_type", "owner_type: must be a string"},
          {R"({"status":"dialing"})", "status",
           "status: must be one of progressing, hangingup, hangup"},
          {R"({"ring_method":"all"})", "ring_method",
           "ring_method: must be one of ring_all, linear, memory_hunt"},
          {R"({"answer_method":"none"})", "answer_method",
           "answer_method: must be one of hangup_others"},
          {R"({"source":"tel"})", "source", "source: must be an object"},
          {R"({"source":{"target":5}})", "source.target", "source.target: must be a string"},
          {R"({"call_count":"1"})", "call_count", "call_count: must be a 32-bit integer"},
          {R"({"ring_timeout":1.5})", "ring_timeout", "ring_timeout: must be a 32-bit integer"},
          {R"({"answer_timeout":4294967296})", "answer_timeout",
           "answer_timeout: must be a 32-bit integer"},
          {R"({"tm_create":"2023-04-21"})", "tm_create", "tm_create: " + ts_rule},
          {R"({"tm_update":"2023-02-30 00:00:00.000000"})", "tm_update", "tm_update: " + ts_rule},
          {R"({"tm_delete":0})", "tm_delete", "tm_delete: must be a string"},
      },
      [](const std::string& json) { return status_of(groupcall_from_json(json)); });
}

TEST(Json, CallAgentExtensionRefusalsNameTheField) {
  expect_refusals(
      {
          {R"({"status":"answered"})", "status",
           "status: must be one of dialing, ringing, progressing, terminating, canceling, "
           "hangup"},
          {R"({"direction":"sideways"})", "direction",
           "direction: must be one of incoming, outgoing"},
          {R"({"hangup_by":"me"})", "hangup_by", "hangup_by: must be one of local, remote"},
          {R"({"hangup_reason":"bored"})", "hangup_reason",
           "hangup_reason: must be one of normal, failed, busy, cancel, timeout, noanswer, "
           "dialout, amd"},
          {R"({"destination":{"type":"fax"}})", "destination.type",
           "destination.type: must be one of tel, endpoint, sip, extension, agent, ring_group, "
           "instant_group_call"},
          {R"({"tm_ringing":"soon"})", "tm_ringing",
           "tm_ringing: must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff"},
          {R"({"groupcall_id":"x"})", "groupcall_id", "groupcall_id: must be a UUID"},
      },
      [](const std::string& json) { return status_of(call_from_json(json)); });
  expect_refusals({{R"({"addresses":[{"type":"agent","target":5}]})", "addresses[0].target",
                    "addresses[0].target: must be a string"},
                   {R"({"ring_method":"random"})", "ring_method",
                    "ring_method: must be one of ring_all, linear, memory_hunt"},
                   {R"({"name":[]})", "name", "name: must be a string"}},
                  [](const std::string& json) { return status_of(agent_from_json(json)); });
  expect_refusals({{R"({"contacts":[{"type":"sip"},{"type":"tel","detail":{}}]})",
                    "contacts[1].detail", "contacts[1].detail: must be a string"},
                   {R"({"extension":2001})", "extension", "extension: must be a string"}},
                  [](const std::string& json) { return status_of(extension_from_json(json)); });
}

TEST(Json, FirstErrorInFieldOrderWins) {
  const Result<Groupcall> g = groupcall_from_json(R"({"tm_delete":1,"id":"bad"})");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().field, "id");
}

TEST(Json, MalformedAndNonObjectInput) {
  const Result<Groupcall> truncated = groupcall_from_json(R"({"id":)");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(truncated.error().field, "body");
  EXPECT_EQ(truncated.error().message.rfind("body: malformed JSON: ", 0), 0u)
      << truncated.error().message;
  EXPECT_NE(truncated.error().message.find(" at offset 6"), std::string::npos)
      << truncated.error().message;

  const Result<Call> trailing = call_from_json("{} x");
  ASSERT_FALSE(trailing);
  EXPECT_NE(trailing.error().message.find("malformed JSON"), std::string::npos);

  const Result<Call> empty = call_from_json("");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("at offset 0"), std::string::npos);

  for (const char* json : {"[]", "\"x\"", "1", "null"}) {
    const Result<Address> a = address_from_json(json);
    ASSERT_FALSE(a) << json;
    EXPECT_EQ(a.error().field, "body");
    EXPECT_EQ(a.error().message, "body: must be a JSON object");
  }
}

TEST(JsonDetail, ReadersNameNestedPathsFromAnyRoot) {
  // A REST body that carries a groupcall under a member of its own.
  rapidjson::Document document;
  document.Parse(R"({"groupcall":{"destinations":[{"type":"tel","target":"1"},{"type":"x"}]}})");
  const json_detail::Path root;
  const json_detail::Path member = root.member("groupcall");
  Groupcall g;
  const Status status = json_detail::read_value(document["groupcall"], member, g);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "groupcall.destinations[1].type");
}

TEST(JsonDetail, WritersComposeIntoLargerDocuments) {
  rapidjson::StringBuffer buffer;
  json_detail::JsonWriter writer(buffer);
  writer.StartObject();
  json_detail::write_key(writer, "id");
  json_detail::write_uuid(writer, id("d8596b14-4d8e-4a86-afde-642b46d59ac7"));
  json_detail::write_key(writer, "at");
  json_detail::write_timestamp(writer, Timestamp::from_micros(0));
  json_detail::write_key(writer, "to");
  json_detail::write_value(writer, address(AddressType::sip, "sip:a@b"));
  writer.EndObject();
  EXPECT_EQ(std::string(buffer.GetString()),
            R"({"id":"d8596b14-4d8e-4a86-afde-642b46d59ac7","at":"1970-01-01 00:00:00.000000",)"
            R"("to":{"type":"sip","target":"sip:a@b","target_name":"","name":"","detail":""}})");
}

}  // namespace
}  // namespace chorus
