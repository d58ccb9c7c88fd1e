// The APIO instant group call codec against the reference document's examples: the
// POST body decodes to the service it describes, the GET, POST and list answers are
// the document's own JSON, the bulk active body round-trips, and every malformed body
// is refused naming its field.

#include "model/apio_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

std::string compact(const std::string& file) {
  const std::string text = test_support::read_data_file("reference/" + file);
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << file;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  document.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The document's GET example: "Test User", phone +3271112233, one destination.
InstantGroupCall example_service() {
  auto decoded = instant_group_call_from_apio_json(
      test_support::read_data_file("reference/apio_igc_post.json"));
  EXPECT_TRUE(decoded) << decoded.error().message;
  InstantGroupCall s = decoded ? *decoded : InstantGroupCall{};
  s.phone_number = "+3271112233";
  return s;
}

std::string error_of(std::string_view body, InstantGroupCall base = {}) {
  auto decoded = instant_group_call_from_apio_json(body, std::move(base));
  EXPECT_FALSE(decoded) << body;
  return decoded ? std::string() : decoded.error().field + " | " + decoded.error().message;
}

TEST(ApioJson, DecodesTheDocumentsPostBodyFieldForField) {
  auto s = instant_group_call_from_apio_json(
      test_support::read_data_file("reference/apio_igc_post.json"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->service_user_id, "APIOTestIGC@sip.netaxis.be");
  EXPECT_EQ(s->name, "Test User");
  ASSERT_TRUE(s->department.has_value());
  EXPECT_EQ(s->department->tenant_id, "ApioSpTest");
  EXPECT_EQ(s->department->group_id, "ApioGrpTest");
  EXPECT_EQ(s->department->department_name, "test_department_initial");
  EXPECT_EQ(s->cli_first_name, "First Name");
  EXPECT_EQ(s->cli_last_name, "Last Name");
  EXPECT_EQ(s->language, "English");
  EXPECT_EQ(s->time_zone, "Europe/Brussels");
  EXPECT_EQ(s->answer_timeout_minutes, 5);
  EXPECT_TRUE(s->answer_timeout_enabled);
  EXPECT_EQ(s->destination_phone_numbers, std::vector<std::string>{"+3271123456"});
  EXPECT_EQ(s->template_name, "basic");
  EXPECT_TRUE(s->active);
}

TEST(ApioJson, TheGetAnswerIsTheDocumentsWithFullPathNameAdded) {
  // The document's GET example lacks fullPathName in department; its list example has
  // it, and Chorus writes the department alike in both (departmentName when no path).
  std::string expected = compact("apio_igc_get.json");
  const std::string department_end = R"("departmentName":"test_department_initial")";
  expected.insert(expected.find(department_end) + department_end.size(),
                  R"(,"fullPathName":"test_department_initial")");
  EXPECT_EQ(to_apio_json(example_service(), {false, true}), expected);
}

TEST(ApioJson, ActiveOnlyWhenAskedAndServiceUserIdFirstOnPostAnswers) {
  const InstantGroupCall s = example_service();
  const std::string plain = to_apio_json(s);
  EXPECT_EQ(plain.find("\"active\""), std::string::npos) << plain;
  EXPECT_EQ(plain.find("serviceUserId"), std::string::npos) << plain;
  const std::string post = to_apio_json(s, {true, false});
  EXPECT_EQ(
      post.rfind(R"({"serviceUserId":"APIOTestIGC@sip.netaxis.be","serviceInstanceProfile":)", 0),
      0u)
      << post;
}

TEST(ApioJson, TheListAnswerIsTheDocumentsByteForByte) {
  InstantGroupCall s;
  s.service_user_id = "APIOTestIGC@sip.netaxis.be";
  s.name = "Test User Basic";
  s.phone_number = "+3271112233";
  s.department = ApioDepartment{"ApioSpTest", "ApioGrpTest", "test_department_initial",
                                "test_department_parent_1 \\ test_department_initial"};
  EXPECT_EQ(to_apio_list_json({s}), compact("apio_igc_list.json"));
  EXPECT_EQ(to_apio_list_json({}), R"({"instantGroupCalls":[]})");
}

TEST(ApioJson, AGetAnswerSentBackAsAPutChangesNothing) {
  const InstantGroupCall s = example_service();
  auto again = instant_group_call_from_apio_json(to_apio_json(s, {true, true}), s);
  ASSERT_TRUE(again) << again.error().message;
  InstantGroupCall expected = s;
  expected.department->full_path_name = "test_department_initial";
  EXPECT_EQ(*again, expected);
}

TEST(ApioJson, APutChangesOnlyWhatItNames) {
  const InstantGroupCall stored = example_service();
  auto updated = instant_group_call_from_apio_json(
      R"({"answerTimeoutMinutes":12,"serviceInstanceProfile":{"phoneNumber":"+3271999999"}})",
      stored);
  ASSERT_TRUE(updated) << updated.error().message;
  InstantGroupCall expected = stored;
  expected.answer_timeout_minutes = 12;
  expected.phone_number = "+3271999999";
  EXPECT_EQ(*updated, expected);
  auto no_department = instant_group_call_from_apio_json(
      R"({"serviceInstanceProfile":{"department":null}})", stored);
  ASSERT_TRUE(no_department);
  EXPECT_FALSE(no_department->department.has_value());
}

TEST(ApioJson, TypesAreStrictAndErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"answerTimeoutEnabled":"true"})"),
            "answerTimeoutEnabled | answerTimeoutEnabled: must be true or false");
  EXPECT_EQ(error_of(R"({"active":1})"), "active | active: must be true or false");
  EXPECT_EQ(error_of(R"({"answerTimeoutMinutes":"5"})"),
            "answerTimeoutMinutes | answerTimeoutMinutes: must be a 32-bit integer");
  EXPECT_EQ(error_of(R"({"answerTimeoutMinutes":5.5})"),
            "answerTimeoutMinutes | answerTimeoutMinutes: must be a 32-bit integer");
  EXPECT_EQ(error_of(R"({"destinationPhoneNumbers":"+3271123456"})"),
            "destinationPhoneNumbers | destinationPhoneNumbers: must be an array");
  EXPECT_NE(error_of(R"({"destinationPhoneNumbers":["+32",7]})").find("destinationPhoneNumbers[1]"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"serviceInstanceProfile":{"department":{"groupId":3}}})"),
            "serviceInstanceProfile.department.groupId | "
            "serviceInstanceProfile.department.groupId: must be a string");
  EXPECT_EQ(error_of(R"({"serviceInstanceProfile":[]})"),
            "serviceInstanceProfile | serviceInstanceProfile: must be an object");
  EXPECT_EQ(error_of("[]"), "body | body: must be a JSON object");
  EXPECT_NE(error_of("{").find("body"), std::string::npos);
}

TEST(ApioJson, UnknownAndRepeatedFieldsAreRefusedByName) {
  EXPECT_EQ(error_of(R"({"answerTimeoutMinute":5})"),
            "answerTimeoutMinute | answerTimeoutMinute: is not a field of an instant group call");
  EXPECT_EQ(error_of(R"({"serviceInstanceProfile":{"nam":"x"}})"),
            "serviceInstanceProfile.nam | serviceInstanceProfile.nam: is not a field of "
            "serviceInstanceProfile");
  EXPECT_EQ(error_of(R"({"active":true,"active":false})"), "active | active: appears twice");
  // A name that is not plainly a name is not repeated.
  EXPECT_EQ(error_of("{\"a\\u0000b\":1}"),
            "body | body: holds a field that is not one of an instant group call's");
}

TEST(ApioJson, TheBulkActiveBodyRoundTrips) {
  auto changes =
      active_changes_from_apio_json(test_support::read_data_file("reference/apio_igc_active.json"));
  ASSERT_TRUE(changes) << changes.error().message;
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0], ApioActiveChange("APIOTestIGC@sip.netaxis.be", true));
  EXPECT_EQ(to_apio_json(*changes), compact("apio_igc_active.json"));
}

TEST(ApioJson, BulkActiveRefusalsNameTheEntry) {
  auto refused = [](std::string_view body) {
    auto r = active_changes_from_apio_json(body);
    EXPECT_FALSE(r) << body;
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(refused("{}"), "services: is required");
  EXPECT_EQ(refused(R"({"services":{}})"), "services: must be an array");
  EXPECT_EQ(refused(R"({"services":[{"serviceUserId":"a","active":"yes"}]})"),
            "services[0].active: must be true or false");
  EXPECT_EQ(refused(R"({"services":[{"serviceUserId":"a","active":true},{"active":true}]})"),
            "services[1].serviceUserId: is required");
  EXPECT_EQ(refused(R"({"services":[{"serviceUserId":"a"}]})"), "services[0].active: is required");
  EXPECT_EQ(refused(R"({"services":[],"more":1})"),
            "more: is not a field of an active status update");
  auto empty = active_changes_from_apio_json(R"({"services":[]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace chorus
