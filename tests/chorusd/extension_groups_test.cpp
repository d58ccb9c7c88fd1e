// Extension groups (/v1.0/extension_groups, CRUD like agents) and an extension's
// missed ring-group calls (GET /v1.0/extensions/{id}/missed_calls): Chorus's
// extensions of VoIPbin's API for ring groups, through a real chorusd.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class ExtensionGroups : public ApiTest {
 protected:
  static std::string group_body(const std::string& name, const std::vector<std::string>& members) {
    std::vector<std::string> quoted_members;
    for (auto& m : members) quoted_members.push_back(quoted(m));
    return "{\"name\":" + quoted(name) + ",\"extensions\":[" + join(quoted_members) + "]}";
  }
  Json create_group(HttpClient& c, const std::string& body) {
    return ok(c.post("/v1.0/extension_groups", body));
  }
};

TEST_F(ExtensionGroups, Lifecycle) {
  create_extension(*a, extension_body("Desk 1", "2001", {endpoint("d1@sim")}));
  auto second = create_extension(*a, extension_body("Desk 2", "2002", {endpoint("d2@sim")}));
  create_extension(*a, extension_body("Desk 3", "2003", {}));

  // Members by number or by id, kept as written.
  auto created = create_group(*a, group_body("sales", {"2001", str(second, "id")}));
  auto id = str(created, "id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(str(created, "customer_id"), customer_a);
  EXPECT_EQ(str(created, "name"), "sales");
  EXPECT_EQ(strings(created, "extensions"), (std::vector<std::string>{"2001", str(second, "id")}));
  EXPECT_NE(str(created, "tm_create"), not_yet);
  EXPECT_EQ(str(created, "tm_update"), not_yet);
  EXPECT_EQ(str(created, "tm_delete"), not_yet);

  auto other = create_group(*a, group_body("support", {"2003"}));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extension_groups"))),
            (std::vector<std::string>{str(other, "id"), id}));  // newest first
  auto read = ok(a->get("/v1.0/extension_groups/" + id));
  EXPECT_EQ(str(read, "name"), "sales");
  EXPECT_EQ(str(read, "tm_create"), str(created, "tm_create"));

  // PUT replaces it, keeping its id and tm_create.
  auto updated = ok(a->put("/v1.0/extension_groups/" + id, group_body("sales EU", {"2003"})));
  EXPECT_EQ(str(updated, "id"), id);
  EXPECT_EQ(str(updated, "name"), "sales EU");
  EXPECT_EQ(strings(updated, "extensions"), std::vector<std::string>{"2003"});
  EXPECT_EQ(str(updated, "tm_create"), str(created, "tm_create"));
  EXPECT_NE(str(updated, "tm_update"), not_yet);
  EXPECT_EQ(str(ok(a->get("/v1.0/extension_groups/" + id)), "name"), "sales EU");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extension_groups"))).size(), 2u);  // updated, not added

  auto deleted = ok(a->del("/v1.0/extension_groups/" + id));
  EXPECT_EQ(str(deleted, "id"), id);
  EXPECT_NE(str(deleted, "tm_delete"), not_yet);
  for (auto* method : {"GET", "DELETE", "PUT"}) {
    SCOPED_TRACE(method);
    auto r = a->request(method, "/v1.0/extension_groups/" + id,
                        std::string(method) == "PUT" ? group_body("x", {"2001"}) : "",
                        {{"Content-Type", "application/json"}});
    expect_error(r, 404, "EXTENSION_GROUP_NOT_FOUND", "extension_group");
  }
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extension_groups"))),
            std::vector<std::string>{str(other, "id")});
}

TEST_F(ExtensionGroups, BadBodiesAre400NamingTheFieldAndChangeNothing) {
  create_extension(*a, extension_body("Desk 1", "2001", {}));
  struct Case {
    std::string body, field;
  };
  const std::vector<Case> cases = {
      {R"({"name":"sales"})", "extensions"},
      {R"({"name":"sales","extensions":"2001"})", "extensions"},
      {R"({"name":"sales","extensions":["2001",2002]})", "extensions[1]"},
      {R"({"name":7,"extensions":["2001"]})", "name"},
      {R"({"name":"","extensions":["2001"]})", "name"},
      {R"({"name":"sales","extensions":["2001","a\u0000b"]})", "extensions[1]"},
      {R"({"name":"sales","extensions":[")" + std::string(65, '1') + R"("]})", "extensions[0]"},
      // An entry must name one of the customer's extensions, by number or id.
      {R"({"name":"sales","extensions":["2001","2999"]})", "extensions[1]"},
      {R"({"name":"sales","extensions":[")" + random_id + R"("]})", "extensions[0]"},
      {R"({"name":"sales","extensions":["2001")", "body"},
      {R"([])", "body"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.body);
    expect_field_error(a->post("/v1.0/extension_groups", c.body), 400, "INVALID_ARGUMENT", c.field);
  }
  std::string too_many = R"({"name":"big","extensions":[)";
  for (int i = 0; i <= 100; ++i) too_many += std::string(i == 0 ? "" : ",") + R"("2001")";
  too_many += "]}";
  auto r = a->post("/v1.0/extension_groups", too_many);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(str(error_of(r), "field"), "extensions");
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/extension_groups"))).empty());

  // A PUT with a bad body leaves the group as it was.
  auto group = create_group(*a, group_body("sales", {"2001"}));
  auto path = "/v1.0/extension_groups/" + str(group, "id");
  expect_field_error(a->put(path, group_body("sales", {"2001", "nope"})), 400, "INVALID_ARGUMENT",
                     "extensions[1]");
  EXPECT_EQ(strings(ok(a->get(path)), "extensions"), std::vector<std::string>{"2001"});
  expect_error(a->post("/v1.0/extension_groups", group_body("x", {"2001"}),
                       {{"Content-Type", "text/plain"}}),
               415, "UNSUPPORTED_MEDIA_TYPE");
  expect_field_error(a->get("/v1.0/extension_groups/not-a-uuid"), 400, "INVALID_ARGUMENT", "id");
}

TEST_F(ExtensionGroups, AnotherCustomersGroupsAndExtensionsAreNotFound) {
  auto extension = create_extension(*a, extension_body("Desk 1", "2001", {}));
  auto group = create_group(*a, group_body("sales", {"2001"}));
  auto path = "/v1.0/extension_groups/" + str(group, "id");

  expect_error(b->get(path), 404, "EXTENSION_GROUP_NOT_FOUND");
  expect_error(b->put(path, group_body("mine", {})), 404, "EXTENSION_GROUP_NOT_FOUND");
  expect_error(b->del(path), 404, "EXTENSION_GROUP_NOT_FOUND");
  EXPECT_TRUE(ids_of(ok(b->get("/v1.0/extension_groups"))).empty());
  // B's group cannot take in A's extension, by number or by id.
  expect_field_error(b->post("/v1.0/extension_groups", group_body("x", {"2001"})), 400,
                     "INVALID_ARGUMENT", "extensions[0]");
  expect_field_error(b->post("/v1.0/extension_groups", group_body("x", {str(extension, "id")})),
                     400, "INVALID_ARGUMENT", "extensions[0]");
  // Names are per customer: B may use A's.
  create_extension(*b, extension_body("B desk", "2001", {}));
  auto bs = create_group(*b, group_body("sales", {"2001"}));
  EXPECT_EQ(str(bs, "customer_id"), customer_b);

  // A's group is untouched.
  auto read = ok(a->get(path));
  EXPECT_EQ(str(read, "name"), "sales");
  EXPECT_EQ(str(read, "tm_update"), not_yet);
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extension_groups"))),
            std::vector<std::string>{str(group, "id")});
}

class MissedCalls : public ApiTest {};

TEST_F(MissedCalls, AFreshExtensionHasNone) {
  auto extension = create_extension(*a, extension_body("Desk 1", "2001", {endpoint("d1@sim")}));
  auto path = "/v1.0/extensions/" + str(extension, "id") + "/missed_calls";
  auto list = ok(a->get(path));
  ASSERT_TRUE(list.HasMember("result") && list["result"].IsArray()) << path;
  EXPECT_EQ(list["result"].Size(), 0u);
  EXPECT_EQ(str(list, "next_page_token"), "");
  EXPECT_EQ(
      ok(a->get(path + "?page_size=5&page_token=2030-01-01T00:00:00.000000Z"))["result"].Size(),
      0u);
  expect_field_error(a->get(path + "?page_size=0"), 400, "INVALID_ARGUMENT", "page_size");
  expect_field_error(a->get(path + "?page_token=yesterday"), 400, "INVALID_ARGUMENT", "page_token");
  auto post = a->post(path, "{}");
  expect_error(post, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(post.header("Allow"), "GET");
}

TEST_F(MissedCalls, UnknownAndOtherCustomersExtensionsAreNotFound) {
  auto extension = create_extension(*a, extension_body("Desk 1", "2001", {}));
  auto path = "/v1.0/extensions/" + str(extension, "id") + "/missed_calls";
  expect_error(b->get(path), 404, "EXTENSION_NOT_FOUND", "extension");
  expect_error(a->get("/v1.0/extensions/" + random_id + "/missed_calls"), 404,
               "EXTENSION_NOT_FOUND", "extension");
  expect_field_error(a->get("/v1.0/extensions/2001/missed_calls"), 400, "INVALID_ARGUMENT", "id");
  HttpClient anonymous(port());
  expect_error(anonymous.get(path), 401, "UNAUTHORIZED");
  // Gone with its extension.
  ok(a->del("/v1.0/extensions/" + str(extension, "id")));
  expect_error(a->get(path), 404, "EXTENSION_NOT_FOUND");
  // Other actions on an extension are no paths at all.
  expect_error(a->get("/v1.0/extensions/" + random_id + "/hangup"), 404, "PATH_NOT_FOUND");
}

}  // namespace
}  // namespace chorus::test
