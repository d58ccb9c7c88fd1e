// Netaxis APIO's instant group calls through a real chorusd (/api/v1/tenants/{t}/groups/
// {g}/services/instant_group_calls/): the reference document's bodies created, read,
// listed, updated and deleted, the answers in the document's shapes, with and without
// trailing slashes; every "apio_settings" setting from a config file and each id rule
// placeholder; every validation error in the REST envelope; the bulk active update,
// all or none; isolation between two keys; survival of a restart on the SQLite store;
// and dialling through the REST API: an instant_group_call destination rings every
// destination phone number at once, an inactive one is refused with 409.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace chorus::test {
namespace {

const std::string group = "/api/v1/tenants/foo/groups/foogroup/services/";
const std::string collection = group + "instant_group_calls/";
const std::string active_path = group + "instant_group_calls_active/";
const std::string example_id = "APIOTestIGC@sip.netaxis.be";

Json reference(const std::string& name) {
  std::ifstream in(std::string(CHORUS_TEST_DATA_DIR) + "/reference/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str());
}

// The document's POST body with the phone number its GET example shows.
std::string example_post_body() {
  auto body = reference("apio_igc_post.json");
  auto& profile = body["serviceInstanceProfile"];
  profile.AddMember("phoneNumber", "+3271112233", body.GetAllocator());
  return compact(body);
}

// The document's GET answer as Chorus writes it: department with its fullPathName
// (departmentName when none was given), `active` only when asked.
std::string expected_get(bool with_active, bool with_service_user_id = false) {
  auto get = reference("apio_igc_get.json");
  auto& department = get["serviceInstanceProfile"]["department"];
  department.AddMember("fullPathName", "test_department_initial", get.GetAllocator());
  if (!with_active) get.RemoveMember("active");
  std::string text = compact(get);
  if (with_service_user_id) text.insert(1, R"("serviceUserId":")" + example_id + "\",");
  return text;
}

std::string body_with(const std::string& id, const std::string& phone,
                      const std::vector<std::string>& destinations = {"+3271123456"}) {
  std::string body = "{";
  if (!id.empty()) body += R"("serviceUserId":)" + quoted(id) + ",";
  body += R"("serviceInstanceProfile":{"name":"IGC")";
  if (!phone.empty()) body += R"(,"phoneNumber":)" + quoted(phone);
  body += R"(},"destinationPhoneNumbers":[)";
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    body += (i ? "," : "") + quoted(destinations[i]);
  }
  return body + "]}";
}

std::vector<std::string> member_names(const JsonValue& object) {
  std::vector<std::string> names;
  for (const auto& member : object.GetObject()) names.emplace_back(member.name.GetString());
  return names;
}

class ApioInstantGroupCalls : public StoreApiTest {
 protected:
  std::vector<std::string> flags() override {
    const std::string config = data / "chorusd.json";
    std::ofstream(config) << R"({"apio_settings":)" << settings << "}";
    auto f = StoreApiTest::flags();
    f.insert(f.end(), {"--config", config});
    return f;
  }

  // A new chorusd on the same data with these "apio_settings".
  void use_settings(const std::string& json) {
    stop();
    settings = json;
    start();
  }

  Json created(const std::string& body, HttpClient* c = nullptr) {
    auto r = (c ? c : a.get())->post(collection, body);
    EXPECT_EQ(r.status, 200u) << body << " -> " << r.body;
    return parse_json(r.body);
  }
  std::string created_id(const std::string& body) { return str(created(body), "serviceUserId"); }

  std::string settings = "{}";
};

TEST_F(ApioInstantGroupCalls, TheDocumentsBodiesAndAnswersEndpointByEndpoint) {
  // POST: the GET answer with the serviceUserId added.
  auto post = a->post(collection, example_post_body());
  ASSERT_EQ(post.status, 200u) << post.body;
  EXPECT_EQ(post.header("Content-Type"), "application/json");
  EXPECT_FALSE(post.header("X-Request-Id").empty());
  EXPECT_EQ(post.body, expected_get(false, true));
  // GET instance: the document's example.
  auto get = a->get(collection + example_id + "/");
  ASSERT_EQ(get.status, 200u) << get.body;
  EXPECT_EQ(get.body, expected_get(false));
  // PUT with the document's body: answered like GET (its body has no phoneNumber, so
  // the stored one stays).
  auto put = a->put(collection + example_id + "/", compact(reference("apio_igc_put.json")));
  ASSERT_EQ(put.status, 200u) << put.body;
  EXPECT_EQ(put.body, expected_get(false));
  // The list, made to hold the document's example byte for byte.
  auto renamed = a->put(
      collection + example_id + "/",
      R"({"serviceInstanceProfile":{"name":"Test User Basic","department":{"fullPathName":"test_department_parent_1 \\ test_department_initial"}}})");
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  auto list = a->get(collection);
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(list.body, compact(reference("apio_igc_list.json")));
  // The bulk active update answers {}.
  auto active = a->put(active_path, compact(reference("apio_igc_active.json")));
  ASSERT_EQ(active.status, 200u) << active.body;
  EXPECT_EQ(active.body, "{}");
  // DELETE: 200 and no body, as the document shows; then it is gone, and so is the
  // group, which existed by its only service.
  auto removed = a->del(collection + example_id + "/");
  EXPECT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(removed.body, "");
  expect_error(a->get(collection + example_id + "/"), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(a->del(collection + example_id + "/"), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(a->get(collection), 404, "GROUP_NOT_FOUND");
}

TEST_F(ApioInstantGroupCalls, EveryEndpointAlsoWithoutItsTrailingSlashAndEscapedIds) {
  const std::string bare = group + "instant_group_calls";
  auto post = a->post(bare, example_post_body());
  ASSERT_EQ(post.status, 200u) << post.body;
  EXPECT_EQ(ok(a->get(bare)).HasMember("instantGroupCalls"), true);
  EXPECT_EQ(a->get(bare + "/" + example_id).body, expected_get(false));
  // '@' percent-encoded, as some clients send it.
  EXPECT_EQ(a->get(bare + "/APIOTestIGC%40sip.netaxis.be/").body, expected_get(false));
  auto put = a->put(bare + "/" + example_id, R"({"answerTimeoutMinutes":7})");
  ASSERT_EQ(put.status, 200u) << put.body;
  EXPECT_EQ(integer(parse_json(put.body), "answerTimeoutMinutes"), 7);
  EXPECT_EQ(a->put(group + "instant_group_calls_active",
                   R"({"services":[{"serviceUserId":")" + example_id + R"(","active":false}]})")
                .body,
            "{}");
  EXPECT_EQ(a->del(bare + "/" + example_id).status, 200u);
  // Two slashes are not one.
  expect_error(a->get(group + "instant_group_calls//"), 404, "PATH_NOT_FOUND");
}

TEST_F(ApioInstantGroupCalls, ActiveIsInTheAnswersOnlyWithServiceUsersReturnActiveStatus) {
  auto post = created(example_post_body());
  EXPECT_FALSE(post.HasMember("active"));
  use_settings(R"({"SERVICE_USERS_RETURN_ACTIVE_STATUS":true})");
  EXPECT_EQ(a->get(collection + example_id).body, expected_get(true));
  auto put = parse_json(a->put(collection + example_id, R"({"active":false})").body);
  EXPECT_EQ(member_names(put).back(), "active");
  EXPECT_FALSE(put["active"].GetBool());
  auto second = created(body_with("second@x", "+3271000002"));
  EXPECT_EQ(
      member_names(second),
      (std::vector<std::string>{"serviceUserId", "serviceInstanceProfile", "answerTimeoutMinutes",
                                "answerTimeoutEnabled", "destinationPhoneNumbers", "active"}));
  EXPECT_TRUE(second["active"].GetBool());  // the default
  use_settings(R"({"SERVICE_USERS_RETURN_ACTIVE_STATUS":false})");
  EXPECT_EQ(a->get(collection + example_id).body.find("\"active\""), std::string::npos);
}

TEST_F(ApioInstantGroupCalls, TheBulkActiveUpdateIsAllOrNone) {
  use_settings(R"({"SERVICE_USERS_RETURN_ACTIVE_STATUS":true})");
  created(body_with("one@x", "+3271000001"));
  created(body_with("two@x", "+3271000002"));
  auto active_of = [&](const std::string& id) {
    auto j = ok(a->get(collection + id));
    return j.HasMember("active") && j["active"].IsBool() && j["active"].GetBool();
  };
  auto off =
      R"({"services":[{"serviceUserId":"one@x","active":false},{"serviceUserId":"two@x","active":false}]})";
  ASSERT_EQ(a->put(active_path, off).body, "{}");
  EXPECT_FALSE(active_of("one@x"));
  EXPECT_FALSE(active_of("two@x"));
  // One unknown id: nothing changes.
  auto partly =
      R"({"services":[{"serviceUserId":"one@x","active":true},{"serviceUserId":"nobody@x","active":true}]})";
  expect_field_error(a->put(active_path, partly), 404, "INSTANT_GROUP_CALL_NOT_FOUND",
                     "services[1].serviceUserId");
  EXPECT_FALSE(active_of("one@x"));
  // A non-boolean: nothing changes.
  expect_field_error(
      a->put(
          active_path,
          R"({"services":[{"serviceUserId":"one@x","active":true},{"serviceUserId":"two@x","active":"true"}]})"),
      400, "INVALID_ARGUMENT", "services[1].active");
  EXPECT_FALSE(active_of("one@x"));
  expect_field_error(a->put(active_path, R"({"services":[{"active":true}]})"), 400,
                     "INVALID_ARGUMENT", "services[0].serviceUserId");
  expect_field_error(a->put(active_path, R"({"service":[]})"), 400, "INVALID_ARGUMENT", "service");
  ASSERT_EQ(a->put(active_path, R"({"services":[{"serviceUserId":"two@x","active":true}]})").body,
            "{}");
  EXPECT_FALSE(active_of("one@x"));
  EXPECT_TRUE(active_of("two@x"));
  // A group without services does not exist.
  expect_error(a->put("/api/v1/tenants/foo/groups/empty/services/instant_group_calls_active/",
                      R"({"services":[]})"),
               404, "GROUP_NOT_FOUND");
}

TEST_F(ApioInstantGroupCalls, AMissingServiceUserIdIsRefusedWhileGenerationIsOff) {
  expect_field_error(a->post(collection, body_with("", "+3271112233")), 400, "INVALID_ARGUMENT",
                     "serviceUserId");
  expect_error(a->get(collection), 404, "GROUP_NOT_FOUND");
}

TEST_F(ApioInstantGroupCalls, TheDefaultRuleGeneratesGroupIgcRandomDigitsAtTheDomain) {
  use_settings(R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true},
                  "domain":"sip.example.com"})");
  const std::string first = created_id(body_with("", "+3271112233"));
  EXPECT_TRUE(std::regex_match(first, std::regex(R"(foogroup_igc[0-9]{4}@sip\.example\.com)")))
      << first;
  // An empty serviceUserId is a missing one.
  const std::string second = created_id(body_with("", ""));
  EXPECT_TRUE(std::regex_match(second, std::regex(R"(foogroup_igc[0-9]{4}@sip\.example\.com)")))
      << second;
  EXPECT_NE(first, second);
  EXPECT_EQ(ok(a->get(collection + first)).HasMember("serviceInstanceProfile"), true);
  // A given one is kept.
  EXPECT_EQ(created_id(body_with("mine@x", "")), "mine@x");
}

TEST_F(ApioInstantGroupCalls, EveryPlaceholderOfTheRule) {
  use_settings(R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true,
    "SUID_INSTANT_GROUP_CALL_RULE":"{{tenant_id}}.{{group_id}}.{{country_code}}.{{national_no_0}}.{{RND_2}}@{{domain}}"},
    "domain":"d.example"})");
  const std::string id = created_id(body_with("", "+3271112233"));
  EXPECT_TRUE(
      std::regex_match(id, std::regex(R"(foo\.foogroup\.32\.71112233\.[0-9]{2}@d\.example)")))
      << id;
  // A three-digit country code.
  const std::string irish = created_id(body_with("", "+35312345678"));
  EXPECT_TRUE(
      std::regex_match(irish, std::regex(R"(foo\.foogroup\.353\.12345678\.[0-9]{2}@d\.example)")))
      << irish;
  // The rule needs the phone number.
  expect_field_error(a->post(collection, body_with("", "")), 400, "INVALID_ARGUMENT",
                     "serviceInstanceProfile.phoneNumber");
  use_settings(R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true,
    "SUID_INSTANT_GROUP_CALL_RULE":"{{phone_number_e164}}@{{domain}}"}, "domain":"d.example"})");
  EXPECT_EQ(created_id(body_with("", "+12125550100")), "+12125550100@d.example");
  EXPECT_EQ(ok(a->get(collection + "%2B12125550100@d.example")).HasMember("answerTimeoutMinutes"),
            true);
  // A generated id that is taken, by a rule without random digits to draw again: 409.
  expect_field_error(a->post(collection, body_with("", "+12125550100")), 409, "CONFLICT",
                     "serviceUserId");
}

TEST_F(ApioInstantGroupCalls, APhoneNumberChangeRenamesTheServiceWhenSoConfigured) {
  const std::string rule =
      R"("SUID_INSTANT_GROUP_CALL_RULE":"{{group_id}}_{{national_no_0}}_{{RND_3}}@{{domain}}")";
  use_settings(R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true,)" + rule +
               R"(,"SERVICE_USERS_UPDATE_ID_PHONE_NUMBER":true},"domain":"d.example"})");
  const std::string before = created_id(body_with("", "+3271112233"));
  std::smatch digits;
  ASSERT_TRUE(
      std::regex_match(before, digits, std::regex(R"(foogroup_71112233_([0-9]{3})@d\.example)")))
      << before;
  auto put =
      a->put(collection + before, R"({"serviceInstanceProfile":{"phoneNumber":"+3222223333"}})");
  ASSERT_EQ(put.status, 200u) << put.body;
  // The random digits are kept; only the number's part changes; the answer says the new id.
  const std::string after = "foogroup_22223333_" + digits[1].str() + "@d.example";
  EXPECT_EQ(str(parse_json(put.body), "serviceUserId"), after);
  expect_error(a->get(collection + before), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  EXPECT_EQ(str(ok(a->get(collection + after))["serviceInstanceProfile"], "phoneNumber"),
            "+3222223333");
  // A change that is not the number's keeps the id, and answers without serviceUserId.
  auto same = a->put(collection + after, R"({"answerTimeoutMinutes":9})");
  EXPECT_FALSE(parse_json(same.body).HasMember("serviceUserId")) << same.body;
  // An id the rule did not build is never renamed.
  created(body_with("chosen@x", "+3271000009"));
  auto chosen = a->put(collection + "chosen@x",
                       R"({"serviceInstanceProfile":{"phoneNumber":"+3271000010"}})");
  ASSERT_EQ(chosen.status, 200u) << chosen.body;
  EXPECT_EQ(ok(a->get(collection + "chosen@x")).HasMember("serviceInstanceProfile"), true);
  // Without the setting the id stays.
  use_settings(R"({"AUTOMATIC_ID_RULES":{)" + rule + R"(},"domain":"d.example"})");
  auto kept =
      a->put(collection + after, R"({"serviceInstanceProfile":{"phoneNumber":"+3233334444"}})");
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_FALSE(parse_json(kept.body).HasMember("serviceUserId"));
  EXPECT_EQ(ok(a->get(collection + after)).HasMember("serviceInstanceProfile"), true);
}

TEST_F(ApioInstantGroupCalls, GroupNumbersUseCcCliIsAcceptedAndChangesNothing) {
  use_settings(R"({"GROUP_NUMBERS_USE_CC_CLI":true})");
  created(example_post_body());
  auto list = ok(a->get(collection));
  EXPECT_EQ(str(list["instantGroupCalls"][0], "phoneNumber"), "+3271112233");
}

TEST_F(ApioInstantGroupCalls, BadSettingsRefuseToStartNamingTheSetting) {
  stop();
  struct Case {
    std::string settings;
    std::string named;
  };
  const std::vector<Case> cases = {
      {R"([])", "config.apio_settings"},
      {R"({"SERVICE_USERS_RETURN_ACTIVE_STATUS":"yes"})",
       "config.apio_settings.SERVICE_USERS_RETURN_ACTIVE_STATUS"},
      {R"({"GROUP_NUMBERS_USE_CC_CLI":1})", "config.apio_settings.GROUP_NUMBERS_USE_CC_CLI"},
      {R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":"true"}})",
       "config.apio_settings.AUTOMATIC_ID_RULES.SUID_INSTANT_GROUP_CALL_AUTO_GENERATE"},
      {R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_RULE":"{{groupid}}@x"}})",
       "config.apio_settings.AUTOMATIC_ID_RULES.SUID_INSTANT_GROUP_CALL_RULE"},
      {R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_RULE":"{{RND_99}}"}})",
       "config.apio_settings.AUTOMATIC_ID_RULES.SUID_INSTANT_GROUP_CALL_RULE"},
      {R"({"AUTOMATIC_ID_RULES":{"SERVICE_USERS_UPDATE_ID_PHONE_NUMBER":0}})",
       "config.apio_settings.AUTOMATIC_ID_RULES.SERVICE_USERS_UPDATE_ID_PHONE_NUMBER"},
      {R"({"AUTOMATIC_ID_RULES":{"NO_SUCH":true}})",
       "config.apio_settings.AUTOMATIC_ID_RULES.NO_SUCH"},
      {R"({"NO_SUCH_SETTING":true})", "config.apio_settings.NO_SUCH_SETTING"},
      {R"({"domain":7})", "config.apio_settings.domain"},
      {R"({"AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true}})",
       "config.apio_settings.domain"},
      {R"({"domain":"a/b","AUTOMATIC_ID_RULES":{"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE":true}})",
       "config.apio_settings.domain"},
  };
  for (const Case& c : cases) {
    const std::string config = data / "bad.json";
    std::ofstream(config) << R"({"apio_settings":)" << c.settings << "}";
    auto run = run_chorusd({"--config", config, "--listen", "127.0.0.1:0"});
    EXPECT_TRUE(run.status.exited && run.status.code != 0)
        << c.settings << ": " << run.status.to_string();
    EXPECT_NE(run.err.find(c.named), std::string::npos) << c.settings << ": " << run.err;
    EXPECT_EQ(run.out.find("listening"), std::string::npos) << c.settings;
  }
}

TEST_F(ApioInstantGroupCalls, EveryValidationErrorNamesItsFieldAndChangesNothing) {
  struct Case {
    std::string body;
    std::string field;
    std::string reason = "INVALID_ARGUMENT";
  };
  const std::string id = R"("serviceUserId":"v@x",)";
  const std::string dest = R"("destinationPhoneNumbers":["+3271123456"])";
  const std::vector<Case> cases = {
      {"{" + id + R"("answerTimeoutMinutes":0,)" + dest + "}", "answerTimeoutMinutes"},
      {"{" + id + R"("answerTimeoutMinutes":61,)" + dest + "}", "answerTimeoutMinutes"},
      {"{" + id + R"("answerTimeoutMinutes":"5",)" + dest + "}", "answerTimeoutMinutes"},
      {"{" + id + R"("answerTimeoutEnabled":"true",)" + dest + "}", "answerTimeoutEnabled"},
      {"{" + id + R"("answerTimeoutEnabled":1,)" + dest + "}", "answerTimeoutEnabled"},
      {"{" + id + R"("active":"false",)" + dest + "}", "active"},
      {"{" + id + R"("active":null,)" + dest + "}", "active"},
      {"{" + id + R"("serviceInstanceProfile":{"phoneNumber":"071112233"},)" + dest + "}",
       "serviceInstanceProfile.phoneNumber"},
      {"{" + id + R"("serviceInstanceProfile":{"phoneNumber":"+32 71112233"},)" + dest + "}",
       "serviceInstanceProfile.phoneNumber"},
      {"{" + id + R"("destinationPhoneNumbers":["+3271123456","3271123457"]})",
       "destinationPhoneNumbers[1]"},
      {"{" + id + R"("destinationPhoneNumbers":["+01"]})", "destinationPhoneNumbers[0]"},
      {"{" + id + R"("destinationPhoneNumbers":[]})", "destinationPhoneNumbers"},
      {R"({"serviceUserId":"v@x"})", "destinationPhoneNumbers"},
      {"{" + id + R"("destinationPhoneNumbers":"+3271123456"})", "destinationPhoneNumbers"},
      {R"({"serviceUserId":"a/b",)" + dest + "}", "serviceUserId"},
      {R"({"serviceUserId":7,)" + dest + "}", "serviceUserId"},
      {"{" + id + R"("serviceInstanceProfile":{"name":")" + std::string(300, 'n') + R"("},)" +
           dest + "}",
       "serviceInstanceProfile.name"},
      {"{" + id + R"("serviceInstanceProfile":{"department":{"departmentName":""}},)" + dest + "}",
       "serviceInstanceProfile.department.departmentName"},
      {"{" + id + R"("answerTimeoutMinute":5,)" + dest + "}", "answerTimeoutMinute"},
      {"{" + id + R"("serviceInstanceProfile":{"nme":"x"},)" + dest + "}",
       "serviceInstanceProfile.nme"},
      {"[1]", "body"},
      {"{", "body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    expect_field_error(a->post(collection, c.body), 400, c.reason, c.field);
  }
  expect_error(a->get(collection), 404, "GROUP_NOT_FOUND");  // nothing was created
  // The same rules on PUT, and the stored service stays as it was.
  created(example_post_body());
  // (A PUT without destinationPhoneNumbers keeps the stored ones: that case is POST's.)
  for (const Case& c : cases) {
    if (c.body.find(id) == std::string::npos) continue;
    std::string body = c.body;
    body.replace(body.find(id), id.size(), "");
    SCOPED_TRACE(body);
    expect_field_error(a->put(collection + example_id, body), 400, c.reason, c.field);
  }
  EXPECT_EQ(a->get(collection + example_id).body, expected_get(false));
}

TEST_F(ApioInstantGroupCalls, ADuplicateServiceUserIdOrPhoneNumberIsAConflict) {
  created(example_post_body());
  expect_field_error(a->post(collection, body_with(example_id, "+3271000001")), 409, "CONFLICT",
                     "serviceUserId");
  expect_field_error(a->post(collection, body_with("other@x", "+3271112233")), 409, "CONFLICT",
                     "serviceInstanceProfile.phoneNumber");
  created(body_with("other@x", "+3271000001"));
  expect_field_error(
      a->put(collection + "other@x", R"({"serviceInstanceProfile":{"phoneNumber":"+3271112233"}})"),
      409, "CONFLICT", "serviceInstanceProfile.phoneNumber");
  expect_field_error(a->put(collection + "other@x", R"({"serviceUserId":")" + example_id + "\"}"),
                     409, "CONFLICT", "serviceUserId");
  // Unique within the customer, not only the group.
  const std::string elsewhere = "/api/v1/tenants/bar/groups/bargroup/services/instant_group_calls/";
  expect_field_error(a->post(elsewhere, body_with(example_id, "+3271000005")), 409, "CONFLICT",
                     "serviceUserId");
  expect_field_error(a->post(elsewhere, body_with("third@x", "+3271112233")), 409, "CONFLICT",
                     "serviceInstanceProfile.phoneNumber");
  expect_error(a->get(elsewhere), 404, "GROUP_NOT_FOUND");
  EXPECT_EQ(ok(a->get(collection))["instantGroupCalls"].Size(), 2u);
  EXPECT_EQ(str(ok(a->get(collection + "other@x"))["serviceInstanceProfile"], "phoneNumber"),
            "+3271000001");
}

TEST_F(ApioInstantGroupCalls, KeysMethodsPathsAndMediaTypes) {
  created(example_post_body());
  HttpClient anonymous(port());
  expect_error(anonymous.get(collection), 401, "UNAUTHORIZED");
  auto wrong = client_for("not-a-key");
  expect_error(wrong->post(collection, body_with("x@x", "")), 401, "UNAUTHORIZED");
  // The REST API's other ways of sending the key work too.
  EXPECT_EQ(anonymous.get(collection + "?token=" + key_a).status, 200u);
  auto patch = a->request("PATCH", collection + example_id, "{}", {});
  expect_error(patch, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(patch.header("Allow"), "GET, PUT, DELETE");
  EXPECT_EQ(a->del(collection).header("Allow"), "GET, POST");
  EXPECT_EQ(a->get(active_path).header("Allow"), "PUT");
  expect_error(a->post(collection, example_post_body(), {{"Content-Type", "text/plain"}}), 415,
               "UNSUPPORTED_MEDIA_TYPE");
  expect_error(a->get("/api/v1/tenants/foo/groups/foogroup/services/hunt_groups/"), 404,
               "PATH_NOT_FOUND");
  expect_error(a->get("/api/v1/tenants/foo/groups/foogroup/services/instant_group_calls/x/y"), 404,
               "PATH_NOT_FOUND");
  expect_error(a->get(collection + "nobody@x"), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(a->put(collection + "nobody@x", "{}"), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(a->get("/api/v1/tenants/foo/groups/other/services/instant_group_calls/"), 404,
               "GROUP_NOT_FOUND");
  expect_error(a->get("/api/v1/tenants/other/groups/foogroup/services/instant_group_calls/"), 404,
               "GROUP_NOT_FOUND");
  expect_field_error(a->get("/api/v1/tenants/f%2Fo/groups/g/services/instant_group_calls/"), 400,
                     "INVALID_ARGUMENT", "tenant_id");
  // The REST API is still there beside it.
  EXPECT_EQ(a->get("/v1.0/groupcalls").status, 200u);
  // Each endpoint is counted in /metrics.
  bool counted = false;
  for (const auto& [name, value] : metrics()) {
    if (name.find("instant_group_calls/{service_user_id}/") != std::string::npos && value > 0) {
      counted = true;
    }
  }
  EXPECT_TRUE(counted);
}

TEST_F(ApioInstantGroupCalls, AnotherCustomersTenantsGroupsAndServicesAreInvisible) {
  created(example_post_body());
  expect_error(b->get(collection), 404, "GROUP_NOT_FOUND");
  expect_error(b->get(collection + example_id), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(b->put(collection + example_id, R"({"answerTimeoutMinutes":9})"), 404,
               "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(b->del(collection + example_id), 404, "INSTANT_GROUP_CALL_NOT_FOUND");
  expect_error(b->put(active_path, compact(reference("apio_igc_active.json"))), 404,
               "GROUP_NOT_FOUND");
  // B's own group of the same names, with the same serviceUserId and number, is B's.
  auto own = created(body_with(example_id, "+3271112233", {"+3299999999"}), b.get());
  EXPECT_EQ(str(own, "serviceUserId"), example_id);
  EXPECT_EQ(a->get(collection + example_id).body, expected_get(false));
  EXPECT_EQ(strings(ok(b->get(collection + example_id)), "destinationPhoneNumbers"),
            std::vector<std::string>{"+3299999999"});
  EXPECT_EQ(b->del(collection + example_id).status, 200u);
  EXPECT_EQ(a->get(collection + example_id).body, expected_get(false));
}

TEST_F(ApioInstantGroupCalls, ServicesSurviveARestartOnTheStore) {
  use_settings(R"({"SERVICE_USERS_RETURN_ACTIVE_STATUS":true})");
  created(example_post_body());
  created(body_with("two@x", "+3271000002", {"+3271000003", "+3271000004"}));
  ASSERT_EQ(a->put(active_path, R"({"services":[{"serviceUserId":"two@x","active":false}]})").body,
            "{}");
  const std::vector<std::string> targets = {collection, collection + example_id,
                                            collection + "two@x"};
  auto before = bodies(*a, targets);
  restart();
  EXPECT_EQ(bodies(*a, targets), before);
  EXPECT_EQ(ok(a->get(collection + "two@x"))["active"].GetBool(), false);
}

TEST_F(ApioInstantGroupCalls, AGroupcallRingsEveryDestinationAtOnceAndAnInactiveOneIsRefused) {
  created(body_with("igc@x", "+3271112233", {"+3271000001", "+3271000002"}));
  for (const std::string& target : {std::string("igc@x"), std::string("+3271112233")}) {
    SCOPED_TRACE(target);
    auto gc = create_groupcall(*a, groupcall_body({address("instant_group_call", target)}));
    auto nested_ids = strings(gc, "groupcall_ids");
    ASSERT_EQ(nested_ids.size(), 1u) << compact(gc);
    auto nested = groupcall(*a, nested_ids[0]);
    EXPECT_EQ(str(nested, "owner_type"), "instant_group_call");
    EXPECT_EQ(str(nested, "ring_method"), "ring_all");
    ASSERT_EQ(nested["destinations"].Size(), 2u);
    EXPECT_EQ(str(nested["destinations"][0], "target"), "+3271000001");
    EXPECT_EQ(str(nested["destinations"][1], "target"), "+3271000002");
    auto calls = strings(nested, "call_ids");
    ASSERT_EQ(calls.size(), 2u) << compact(nested);
    for (const std::string& call_id : calls) await_call(*a, call_id, has_status("ringing"));
    ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(gc, "id") + "/hangup").status, 200u);
  }
  ASSERT_EQ(a->put(active_path, R"({"services":[{"serviceUserId":"igc@x","active":false}]})").body,
            "{}");
  auto refused =
      a->post("/v1.0/groupcalls", groupcall_body({address("instant_group_call", "igc@x")}));
  expect_error(refused, 409, "CONFLICT", "inactive");
  // Another customer cannot ring it.
  EXPECT_EQ(
      b->post("/v1.0/groupcalls", groupcall_body({address("instant_group_call", "igc@x")})).status,
      400u);
}

}  // namespace
}  // namespace chorus::test
