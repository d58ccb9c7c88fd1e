// The conference requests: bodies accepted, each bad field refused by name, the value
// rules for embedders, and applying an update.

#include "model/conference_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/conference_json.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::example_customer;
using test_support::id;

const std::string conference_id = "99accfb7-c0dd-4a54-997d-dd18af7bc280";
const std::string call_id = "7cb70145-a20a-4070-8b23-9131410d301d";

struct BadBody {
  std::string body;
  std::string field;
  std::string message;
};

template <class T>
void expect_refused(const std::vector<BadBody>& cases,
                    const std::function<Result<T>(std::string_view)>& decode) {
  for (const BadBody& c : cases) {
    const Result<T> result = decode(c.body);
    ASSERT_FALSE(result) << c.body.substr(0, 200);
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument) << c.body.substr(0, 200);
    EXPECT_EQ(result.error().field, c.field) << c.body.substr(0, 200);
    EXPECT_EQ(result.error().message, c.message) << c.body.substr(0, 200);
  }
}

Result<ConferenceCreate> create(std::string_view body) {
  return conference_create_from_json(body, example_customer);
}

// Refusals every body shares: not JSON, not an object.
const std::vector<BadBody> bad_documents = {
    {"[]", "body", "body: must be a JSON object"},
    {"\"x\"", "body", "body: must be a JSON object"},
    {R"({"name":)", "body", "body: malformed JSON: Invalid value. at offset 8"},
    {"", "body", "body: malformed JSON: The document is empty. at offset 0"},
};

// Field refusals shared by POST and PUT, which read these fields alike.
const std::vector<BadBody> bad_common_fields = {
    {R"({"name":1})", "name", "name: must be a string"},
    {R"({"name":")" + std::string(257, 'n') + R"("})", "name", "name: must be at most 256 bytes"},
    {"{\"name\":\"\xc3\x28\"}", "name", "name: must be valid UTF-8"},
    {R"({"detail":null})", "detail", "detail: must be a string"},
    {R"({"detail":")" + std::string(1025, 'd') + R"("})", "detail",
     "detail: must be at most 1024 bytes"},
    {R"({"detail":"\u0000"})", "detail", "detail: must not contain U+0000"},
    {R"({"timeout":-1})", "timeout", "timeout: must be between 0 and 86400"},
    {R"({"timeout":86401})", "timeout", "timeout: must be between 0 and 86400"},
    {R"({"timeout":"60"})", "timeout", "timeout: must be a 32-bit integer"},
    {R"({"timeout":1.5})", "timeout", "timeout: must be a 32-bit integer"},
    {R"({"timeout":2147483648})", "timeout", "timeout: must be a 32-bit integer"},
    {R"({"data":[]})", "data", "data: must be an object"},
    {R"({"data":"{}"})", "data", "data: must be an object"},
    {R"({"data":null})", "data", "data: must be an object"},
    {R"({"data":{"a":"\udc00"}})", "data", "data: must be valid UTF-8"},
    // The data object and 32 arrays in it: 33 levels.
    {R"({"data":{"a":)" + std::string(32, '[') + "1" + std::string(32, ']') + "}}", "data",
     "data: must nest at most 32 levels"},
    {R"({"data":{"a":")" + std::string(16384, 'x') + R"("}})", "data",
     "data: must be at most 16384 bytes as compact JSON"},
    {R"({"pre_flow_id":"x"})", "pre_flow_id", "pre_flow_id: must be a UUID"},
    {R"({"pre_flow_id":1})", "pre_flow_id", "pre_flow_id: must be a string"},
    {R"({"post_flow_id":"99accfb7-c0dd-4a54-997d-dd18af7bc28"})", "post_flow_id",
     "post_flow_id: must be a UUID"},
};

TEST(ConferenceCreateBody, AcceptsEveryField) {
  const Result<ConferenceCreate> r = create(
      R"({"type":"connect","id":"99accfb7-c0dd-4a54-997d-dd18af7bc280","name":"Réunion 会議",)"
      R"("detail":"weekly\nsync","timeout":86400,"data":{ "k" : [1, {"x":"é"}] },)"
      R"("pre_flow_id":"11111111-2222-4333-8444-555555555501",)"
      R"("post_flow_id":"11111111-2222-4333-8444-555555555502","max_participants":10000})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->customer_id, example_customer);
  EXPECT_EQ(r->id, id(conference_id));
  EXPECT_EQ(r->type, ConferenceType::connect);
  EXPECT_EQ(r->name, "Réunion 会議");
  EXPECT_EQ(r->detail, "weekly\nsync");
  EXPECT_EQ(r->timeout, 86400);
  EXPECT_EQ(r->data, R"({"k":[1,{"x":"é"}]})");
  EXPECT_EQ(r->pre_flow_id, id("11111111-2222-4333-8444-555555555501"));
  EXPECT_EQ(r->post_flow_id, id("11111111-2222-4333-8444-555555555502"));
  EXPECT_EQ(r->max_participants, 10000);
  EXPECT_TRUE(validate(*r)) << "what decoding accepts, validate accepts";
}

TEST(ConferenceCreateBody, EmptyBodyTakesTheDefaults) {
  const Result<ConferenceCreate> r = create("{}");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->customer_id, example_customer);
  EXPECT_TRUE(r->id.is_zero());
  EXPECT_EQ(r->type, ConferenceType::unset);
  EXPECT_TRUE(r->name.empty());
  EXPECT_TRUE(r->data.empty());
  EXPECT_EQ(r->timeout, 0);
  EXPECT_EQ(r->max_participants, 0);
  const Result<ConferenceCreate> typed = create(R"({"type":"","timeout":0,"max_participants":0})");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->type, ConferenceType::unset);
}

// As for groupcalls, members the request does not know are ignored; the customer is
// always the caller's.
TEST(ConferenceCreateBody, IgnoresUnknownMembersAndTheBodysCustomer) {
  const Result<ConferenceCreate> r = create(
      R"({"customer_id":"11111111-2222-4333-8444-555555555509","status":"terminated",)"
      R"("direct_hash":"zz","conferencecall_ids":[1],"pre_actions":[{"type":"talk"}],"name":"n"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->customer_id, example_customer);
  EXPECT_EQ(r->name, "n");
}

TEST(ConferenceCreateBody, RefusesEachBadFieldByName) {
  std::vector<BadBody> cases = {
      {R"({"type":"queue"})", "type", "type: must be one of conference, connect"},
      {R"({"type":null})", "type", "type: must be a string"},
      {R"({"id":"not-a-uuid"})", "id", "id: must be a UUID"},
      {R"({"max_participants":-1})", "max_participants",
       "max_participants: must be between 0 and 10000"},
      {R"({"max_participants":10001})", "max_participants",
       "max_participants: must be between 0 and 10000"},
      {R"({"max_participants":"5"})", "max_participants",
       "max_participants: must be a 32-bit integer"},
  };
  cases.insert(cases.end(), bad_common_fields.begin(), bad_common_fields.end());
  cases.insert(cases.end(), bad_documents.begin(), bad_documents.end());
  expect_refused<ConferenceCreate>(cases, create);
}

TEST(ConferenceCreateBody, AcceptsTheBoundaries) {
  std::string emoji;  // 256 bytes of four-byte characters
  for (int i = 0; i < 64; ++i) emoji += "📞";
  ASSERT_EQ(emoji.size(), 256u);
  const Result<ConferenceCreate> r =
      create(R"({"name":")" + emoji + R"(","detail":")" + std::string(1024, 'd') +
             R"(","timeout":0,"max_participants":10000,"data":{"a":")" + std::string(16376, 'x') +
             R"("}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->name.size(), 256u);
  EXPECT_EQ(r->data.size(), 16384u);
}

TEST(ConferenceUpdateBody, LeavesOutWhatIsLeftOut) {
  const Result<ConferenceUpdate> none = conference_update_from_json("{}");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->name || none->detail || none->data || none->timeout || none->pre_flow_id ||
               none->post_flow_id);

  const Result<ConferenceUpdate> some = conference_update_from_json(R"({"name":"renamed"})");
  ASSERT_TRUE(some);
  ASSERT_TRUE(some->name);
  EXPECT_EQ(*some->name, "renamed");
  EXPECT_FALSE(some->detail || some->data || some->timeout);
}

TEST(ConferenceUpdateBody, AcceptsEveryField) {
  const Result<ConferenceUpdate> r =
      conference_update_from_json(R"({"name":"","detail":"d","data":{},"timeout":30,)"
                                  R"("pre_flow_id":"00000000-0000-0000-0000-000000000000",)"
                                  R"("post_flow_id":"11111111-2222-4333-8444-555555555502"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->name && r->detail);
  EXPECT_TRUE(r->name->empty()) << "an empty name is a change too";
  EXPECT_EQ(*r->detail, "d");
  ASSERT_TRUE(r->data);
  EXPECT_TRUE(r->data->empty()) << "{} clears data";
  EXPECT_EQ(r->timeout, 30);
  EXPECT_EQ(r->pre_flow_id, Uuid());
  EXPECT_EQ(r->post_flow_id, id("11111111-2222-4333-8444-555555555502"));
}

TEST(ConferenceUpdateBody, IgnoresWhatPutCannotChange) {
  const Result<ConferenceUpdate> r = conference_update_from_json(
      R"({"type":"queue","max_participants":-5,"id":"x","status":"terminated","timeout":1})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->timeout, 1);
}

TEST(ConferenceUpdateBody, RefusesEachBadFieldByName) {
  std::vector<BadBody> cases = bad_common_fields;
  cases.insert(cases.end(), bad_documents.begin(), bad_documents.end());
  expect_refused<ConferenceUpdate>(cases, conference_update_from_json);
}

Result<ConferencecallJoin> join(std::string_view body) {
  return conferencecall_join_from_json(body, example_customer);
}

std::string join_body(const std::string& conference, const std::string& type,
                      const std::string& reference) {
  return R"({"conference_id":)" + conference + R"(,"reference_type":)" + type +
         R"(,"reference_id":)" + reference + "}";
}

TEST(ConferencecallJoinBody, AcceptsAValidJoin) {
  const Result<ConferencecallJoin> r = join(
      R"({"customer_id":"11111111-2222-4333-8444-555555555509","conference_id":")" + conference_id +
      R"(","reference_type":"call","reference_id":")" + call_id + R"(","status":"joined"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->customer_id, example_customer);
  EXPECT_EQ(r->conference_id, id(conference_id));
  EXPECT_EQ(r->reference_type, ConferencecallReferenceType::call);
  EXPECT_EQ(r->reference_id, id(call_id));
}

TEST(ConferencecallJoinBody, RefusesEachBadFieldByName) {
  const std::string conf = '"' + conference_id + '"';
  const std::string call = '"' + call_id + '"';
  const std::string zero = "\"00000000-0000-0000-0000-000000000000\"";
  std::vector<BadBody> cases = {
      {R"({"reference_type":"call","reference_id":)" + call + "}", "conference_id",
       "conference_id: is required"},
      {R"({"conference_id":)" + conf + R"(,"reference_id":)" + call + "}", "reference_type",
       "reference_type: is required"},
      {R"({"conference_id":)" + conf + R"(,"reference_type":"call"})", "reference_id",
       "reference_id: is required"},
      {join_body(zero, "\"call\"", call), "conference_id",
       "conference_id: must not be the zero UUID"},
      {join_body(conf, "\"call\"", zero), "reference_id",
       "reference_id: must not be the zero UUID"},
      {join_body("\"x\"", "\"call\"", call), "conference_id", "conference_id: must be a UUID"},
      {join_body(conf, "\"call\"", "7"), "reference_id", "reference_id: must be a string"},
      {join_body(conf, "\"groupcall\"", call), "reference_type",
       "reference_type: must be one of call"},
      {join_body(conf, "\"\"", call), "reference_type", "reference_type: must be one of call"},
      {join_body(conf, "\"Call\"", call), "reference_type", "reference_type: must be one of call"},
      {join_body(conf, "null", call), "reference_type", "reference_type: must be a string"},
  };
  cases.insert(cases.end(), bad_documents.begin(), bad_documents.end());
  expect_refused<ConferencecallJoin>(cases, join);
}

void expect_refused_field(const Status& status, const std::string& field) {
  ASSERT_FALSE(status) << field;
  EXPECT_EQ(status.error().field, field);
}

// Embedders build requests in C++; validate() holds them to the rules bodies obey.
TEST(ConferenceValidate, HoldsEmbeddersToTheSameRules) {
  ConferenceCreate ok;
  ok.customer_id = example_customer;
  ok.data = *conference_data_from_json(R"({"a":1})");
  EXPECT_TRUE(validate(ok));

  const std::vector<std::pair<std::function<void(ConferenceCreate&)>, std::string>> cases = {
      {[](ConferenceCreate& r) { r.name = std::string(257, 'n'); },
       "name: must be at most 256 bytes"},
      {[](ConferenceCreate& r) { r.detail = std::string("\xff"); }, "detail: must be valid UTF-8"},
      {[](ConferenceCreate& r) { r.timeout = -3; }, "timeout: must be between 0 and 86400"},
      {[](ConferenceCreate& r) { r.max_participants = 20000; },
       "max_participants: must be between 0 and 10000"},
      {[](ConferenceCreate& r) { r.data = "[1]"; }, "data: must be an object"},
      {[](ConferenceCreate& r) { r.data = R"({"a":)"; },
       "data: malformed JSON: Invalid value. at offset 5"},
      {[](ConferenceCreate& r) { r.data = R"({ "a": 1 })"; },
       "data: must be in normal form, as conference_data_from_json writes it"},
      {[](ConferenceCreate& r) { r.data = "{}"; },
       "data: must be in normal form, as conference_data_from_json writes it"},
  };
  for (const auto& [change, message] : cases) {
    ConferenceCreate bad = ok;
    change(bad);
    const Status status = validate(bad);
    ASSERT_FALSE(status) << message;
    EXPECT_EQ(status.error().message, message);
  }

  ConferenceUpdate update;
  EXPECT_TRUE(validate(update));
  update.data = Text("{\"b\" :2}");
  EXPECT_FALSE(validate(update));
  update.data = Text("{\"b\":2}");
  EXPECT_TRUE(validate(update));
  update.timeout = 86401;
  expect_refused_field(validate(update), "timeout");

  ConferencecallJoin join_request;
  expect_refused_field(validate(join_request), "conference_id");
  join_request.conference_id = id(conference_id);
  expect_refused_field(validate(join_request), "reference_id");
  join_request.reference_id = id(call_id);
  EXPECT_TRUE(validate(join_request));
}

TEST(ConferenceApply, ChangesExactlyTheGivenFieldsAndSaysWhetherAnythingChanged) {
  Conference c;
  c.name = "old";
  c.detail = "kept";
  c.data = R"({"keep":true})";
  c.timeout = 10;
  c.max_participants = 4;
  const Conference before = c;

  EXPECT_FALSE(apply(ConferenceUpdate{}, c));
  EXPECT_EQ(c, before);

  const Result<ConferenceUpdate> rename = conference_update_from_json(R"({"name":"new"})");
  ASSERT_TRUE(rename);
  EXPECT_TRUE(apply(*rename, c));
  Conference expected = before;
  expected.name = "new";
  EXPECT_EQ(c, expected);
  EXPECT_FALSE(apply(*rename, c)) << "the same update again changes nothing";

  const Result<ConferenceUpdate> all =
      conference_update_from_json(R"({"name":"n","detail":"d","data":{"x":[1]},"timeout":0,)"
                                  R"("pre_flow_id":"11111111-2222-4333-8444-555555555501",)"
                                  R"("post_flow_id":"11111111-2222-4333-8444-555555555502"})");
  ASSERT_TRUE(all);
  EXPECT_TRUE(apply(*all, c));
  EXPECT_EQ(c.name, "n");
  EXPECT_EQ(c.detail, "d");
  EXPECT_EQ(c.data, R"({"x":[1]})");
  EXPECT_EQ(c.timeout, 0);
  EXPECT_EQ(c.pre_flow_id, id("11111111-2222-4333-8444-555555555501"));
  EXPECT_EQ(c.post_flow_id, id("11111111-2222-4333-8444-555555555502"));
  EXPECT_EQ(c.max_participants, 4) << "PUT does not touch max_participants";

  const Result<ConferenceUpdate> clear = conference_update_from_json(R"({"data":{}})");
  ASSERT_TRUE(clear);
  EXPECT_TRUE(apply(*clear, c));
  EXPECT_TRUE(c.data.empty());
}

// What a client POSTs as data, a GET returns: the create request's data is what the
// conference's JSON carries.
TEST(ConferenceCreateBody, DataComesBackInTheResource) {
  const std::string data = R"({"team":"support","ids":[3,1,2],"meta":{"lang":"ko-KR","v":1.5}})";
  const Result<ConferenceCreate> r = create(R"({"name":"x","data":)" + data + "}");
  ASSERT_TRUE(r) << r.error().message;
  Conference c;
  c.data = r->data;
  EXPECT_NE(to_json(c).find(R"("data":)" + data + ","), std::string::npos) << to_json(c);
}

}  // namespace
}  // namespace chorus
