// Yeastar's ring-group API through a real chorusd (/openapi/v1.0/ringgroup/): the
// reference document's two groups created (their extensions and extension groups
// through /v1.0/extensions and /v1.0/extension_groups), then query answers exactly the
// document's shape; list, get, update and delete; every error envelope; isolation
// between two customers' keys; and ring groups surviving a restart on the SQLite store.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace chorus::test {
namespace {

constexpr const char* ringgroup = "/openapi/v1.0/ringgroup/";
const Headers json_type{{"Content-Type", "application/json"}};

// The document's answer to ids=8023,8028 (tests/data/reference).
Json document_example() {
  std::ifstream in(std::string(CHORUS_TEST_DATA_DIR) + "/reference/yeastar_ringgroup_query.json");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str());
}

// Group `i` of the example as a create body: every field but the id Chorus assigns.
std::string create_body(int i) {
  auto example = document_example();
  JsonValue& group = example["data"][i];
  group.RemoveMember("id");
  return compact(group);
}

std::vector<std::string> member_names(const JsonValue& object) {
  std::vector<std::string> names;
  for (const auto& member : object.GetObject()) names.emplace_back(member.name.GetString());
  return names;
}

class YeastarRingGroups : public StoreApiTest {
 protected:
  static std::string target(const std::string& action, const std::string& key,
                            const std::string& query = "") {
    std::string t = ringgroup + action + "?access_token=" + key;
    return query.empty() ? t : t + "&" + query;
  }
  HttpResponse get(const std::string& action, const std::string& query,
                   const std::string& key = key_a) {
    return yeastar->get(target(action, key, query));
  }
  HttpResponse post(const std::string& action, const std::string& body,
                    const std::string& key = key_a, const std::string& query = "") {
    return yeastar->request("POST", target(action, key, query), body, json_type);
  }

  // A successful answer: HTTP 200, JSON, an X-Request-Id, errcode 0 and "SUCCESS".
  static Json success(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_FALSE(r.header("X-Request-Id").empty());
    auto body = parse_json(r.body);
    EXPECT_EQ(integer(body, "errcode"), 0) << r.body;
    EXPECT_EQ(str(body, "errmsg"), "SUCCESS") << r.body;
    return body;
  }

  // A refusal: HTTP 200 as Yeastar answers, exactly {"errcode":N,"errmsg":"..."} with an
  // errmsg that mentions `mentions`, and an X-Request-Id.
  static void expect_errcode(const HttpResponse& r, int errcode, const std::string& mentions) {
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_FALSE(r.header("X-Request-Id").empty());
    auto body = parse_json(r.body);
    EXPECT_EQ(member_names(body), (std::vector<std::string>{"errcode", "errmsg"})) << r.body;
    EXPECT_EQ(integer(body, "errcode"), errcode) << r.body;
    EXPECT_NE(str(body, "errmsg").find(mentions), std::string::npos)
        << "errmsg does not mention \"" << mentions << "\": " << r.body;
  }

  // What the document's members name: extensions 3071, 3074, 3075 and the extension
  // groups 3061 and 3077, made through the REST API of `c`'s customer.
  void create_directory(HttpClient& c) {
    for (auto* number : {"3071", "3074", "3075"}) {
      create_extension(c, extension_body(std::string("Ext ") + number, number,
                                         {endpoint(std::string("e") + number + "@sim")}));
    }
    for (auto* name : {"3061", "3077"}) {
      auto r = c.post("/v1.0/extension_groups",
                      "{\"name\":\"" + std::string(name) + R"(","extensions":["3071","3074"]})");
      ASSERT_EQ(r.status, 200u) << r.body;
    }
  }

  // Creates group `i` of the document and returns the id Chorus gave it.
  int create_example(int i, const std::string& key = key_a) {
    auto created = success(post("create", create_body(i), key));
    if (!created.HasMember("data") || !created["data"].IsObject()) {
      ADD_FAILURE() << "no data";
      return -1;
    }
    return integer(created["data"], "id");
  }

  // The document's answer with the ids Chorus gave the groups: what query must say.
  static std::string expected_query_answer(int first, int second) {
    auto example = document_example();
    example["data"][0]["id"].SetInt(first);
    example["data"][1]["id"].SetInt(second);
    return compact(example);
  }

  void SetUp() override {
    StoreApiTest::SetUp();
    yeastar = client_for("");  // Yeastar authenticates by access_token alone
  }
  void TearDown() override {
    yeastar.reset();
    StoreApiTest::TearDown();
  }
  void restart_daemon() {
    yeastar.reset();
    restart();
    yeastar = client_for("");
  }

  std::unique_ptr<HttpClient> yeastar;
};

TEST_F(YeastarRingGroups, QueryAnswersTheDocumentsExampleExactly) {
  create_directory(*a);
  const int support = create_example(0);
  const int marketing = create_example(1);
  ASSERT_GT(support, 0);
  ASSERT_GT(marketing, support);

  auto r = get("query", "ids=" + std::to_string(support) + "," + std::to_string(marketing));
  success(r);
  // Byte for byte: the envelope, every field in the document's order, sub_option null.
  EXPECT_EQ(r.body, expected_query_answer(support, marketing));
  // In the order asked, and the separator may be percent-encoded.
  auto reversed =
      success(get("query", "ids=" + std::to_string(marketing) + "%2C" + std::to_string(support)));
  ASSERT_EQ(reversed["data"].Size(), 2u);
  EXPECT_EQ(integer(reversed["data"][0], "id"), marketing);
  EXPECT_EQ(integer(reversed["data"][1], "id"), support);
}

TEST_F(YeastarRingGroups, ListGetUpdateAndDelete) {
  create_directory(*a);
  const int support = create_example(0);
  const int marketing = create_example(1);

  auto all = success(get("list", ""));
  EXPECT_EQ(member_names(all),
            (std::vector<std::string>{"errcode", "errmsg", "total_number", "data"}));
  EXPECT_EQ(integer(all, "total_number"), 2);
  ASSERT_EQ(all["data"].Size(), 2u);
  EXPECT_EQ(integer(all["data"][0], "id"), support);
  auto second_page = success(get("list", "page=2&page_size=1"));
  EXPECT_EQ(integer(second_page, "total_number"), 2);
  ASSERT_EQ(second_page["data"].Size(), 1u);
  EXPECT_EQ(integer(second_page["data"][0], "id"), marketing);
  EXPECT_EQ(success(get("list", "page=3&page_size=1"))["data"].Size(), 0u);

  auto one = success(get("get", "id=" + std::to_string(support)));
  ASSERT_TRUE(one["data"].IsObject());
  auto example = document_example();
  example["data"][0]["id"].SetInt(support);
  EXPECT_EQ(compact(one["data"]), compact(example["data"][0]));

  // An update changes what it names and keeps the rest.
  auto updated = success(post("update", "{\"id\":" + std::to_string(support) +
                                            R"(,"name":"Support 3","ring_strategy":"memory_hunt",)"
                                            R"("ring_timeout":45})"));
  EXPECT_EQ(str(updated["data"], "name"), "Support 3");
  EXPECT_EQ(str(updated["data"], "ring_strategy"), "memory_hunt");
  EXPECT_EQ(integer(updated["data"], "ring_timeout"), 45);
  EXPECT_EQ(str(updated["data"], "number"), "6300");
  EXPECT_EQ(compact(updated["data"]["member_list"]), compact(example["data"][0]["member_list"]));
  auto read_back = success(get("get", "id=" + std::to_string(support)));
  EXPECT_EQ(compact(read_back["data"]), compact(updated["data"]));

  // Delete by body, then by ?id=; the answer has no data.
  auto gone = post("delete", "{\"id\":" + std::to_string(support) + "}");
  EXPECT_EQ(member_names(success(gone)), (std::vector<std::string>{"errcode", "errmsg"}));
  expect_errcode(get("get", "id=" + std::to_string(support)), 10007,
                 "ring group " + std::to_string(support) + " does not exist");
  success(post("delete", "", key_a, "id=" + std::to_string(marketing)));
  auto none = success(get("list", ""));
  EXPECT_EQ(integer(none, "total_number"), 0);
  EXPECT_EQ(none["data"].Size(), 0u);
  // The number is free again.
  EXPECT_GT(create_example(0), marketing);
}

TEST_F(YeastarRingGroups, EveryRefusalIsAnEnvelopeWithItsErrcode) {
  create_directory(*a);
  const int support = create_example(0);
  const std::string id = std::to_string(support);
  const std::string ids101 = [] {
    std::string list;
    for (int i = 1; i <= 101; ++i) list += (i > 1 ? "," : "") + std::to_string(i);
    return list;
  }();
  struct Case {
    std::string method;
    std::string target;
    std::string body;
    Headers headers;
    int errcode;
    std::string mentions;
  };
  const std::string q = ringgroup;
  const std::vector<Case> cases{
      // access_token
      {"GET", q + "query?ids=" + id, "", {}, 10001, "access_token"},
      {"GET", q + "query?access_token=&ids=" + id, "", {}, 10001, "access_token"},
      {"GET", q + "query?access_token=nope&ids=" + id, "", {}, 10002, "access_token"},
      // A Chorus Bearer header is not Yeastar's credential.
      {"GET",
       q + "query?ids=" + id,
       "",
       {{"Authorization", "Bearer " + key_a}},
       10001,
       "access_token"},
      // methods and paths
      {"POST", target("query", key_a, "ids=" + id), "", json_type, 10003, "use GET"},
      {"GET", target("create", key_a), "", {}, 10003, "use POST"},
      {"DELETE", target("delete", key_a, "id=" + id), "", {}, 10003, "use POST"},
      {"GET", target("nope", key_a), "", {}, 10004, "no such API"},
      {"GET", "/openapi/v1.0/queue/list?access_token=" + key_a, "", {}, 10004, "no such API"},
      {"GET", "/openapi/v1.0/ringgroup/query/?access_token=" + key_a, "", {}, 10004, "no such API"},
      // bodies
      {"POST", target("create", key_a), "{", json_type, 10005, "malformed JSON"},
      {"POST", target("create", key_a), "[]", json_type, 10005, "body"},
      {"POST",
       target("create", key_a),
       create_body(1),
       {{"Content-Type", "text/plain"}},
       10005,
       "Content-Type"},
      {"POST", target("delete", key_a), "{\"id\":" + id + ",\"x\":1}", json_type, 10005, "body"},
      // ids
      {"GET", target("query", key_a), "", {}, 10006, "ids"},
      {"GET", target("query", key_a, "ids=abc"), "", {}, 10006, "ids[0]"},
      {"GET", target("query", key_a, "ids=" + id + ",,2"), "", {}, 10006, "ids[1]"},
      {"GET", target("query", key_a, "ids=" + id + ","), "", {}, 10006, "ids[1]"},
      {"GET", target("query", key_a, "ids=0"), "", {}, 10006, "ids[0]"},
      {"GET", target("query", key_a, "ids=-1"), "", {}, 10006, "ids[0]"},
      {"GET", target("query", key_a, "ids=2147483648"), "", {}, 10006, "ids[0]"},
      {"GET", target("query", key_a, "ids=" + ids101), "", {}, 10009, "at most 100"},
      {"GET", target("get", key_a), "", {}, 10006, "id"},
      {"GET", target("get", key_a, "id=1.5"), "", {}, 10006, "id"},
      {"GET", target("list", key_a, "page_size=0"), "", {}, 10006, "page_size"},
      {"GET", target("list", key_a, "page=0"), "", {}, 10006, "page"},
      // unknown ids
      {"GET",
       target("query", key_a, "ids=" + id + ",999"),
       "",
       {},
       10007,
       "ring group 999 does not exist"},
      {"GET", target("get", key_a, "id=999"), "", {}, 10007, "ring group 999 does not exist"},
      {"POST", target("update", key_a), R"({"id":999,"name":"x"})", json_type, 10007,
       "ring group 999 does not exist"},
      {"POST", target("delete", key_a), R"({"id":999})", json_type, 10007,
       "ring group 999 does not exist"},
      // invalid fields, each named
      {"POST", target("create", key_a), R"({"id":5,"number":"6400","name":"x"})", json_type, 10006,
       "id: is assigned by Chorus"},
      {"POST", target("create", key_a),
       R"({"number":"6400","ring_strategy":"round_robin","member_list":[]})", json_type, 10006,
       "ring_strategy"},
      {"POST", target("create", key_a),
       R"({"number":"6400","member_list":[{"value":"3071","type":"phone"}]})", json_type, 10006,
       "member_list[0].type"},
      {"POST", target("create", key_a),
       R"({"number":"6400","member_list":[{"value":"3071","type":"extension","colour":"red"}]})",
       json_type, 10006, "member_list[0].colour"},
      {"POST", target("create", key_a),
       R"({"number":"6400","member_list":[{"value":"9999","type":"extension"}]})", json_type, 10006,
       "member_list[0]"},
      {"POST", target("create", key_a),
       R"({"number":"64a0","member_list":[{"value":"3071","type":"extension"}]})", json_type, 10006,
       "number"},
      {"POST", target("create", key_a), R"({"number":"6400","ring_timout":30})", json_type, 10006,
       "ring_timout"},
      {"POST", target("update", key_a), R"({"name":"x"})", json_type, 10006, "id: is required"},
      {"POST", target("update", key_a), "{\"id\":" + id + R"(,"enb_miss_call":2})", json_type,
       10006, "enb_miss_call"},
      {"POST", target("delete", key_a), "", json_type, 10006, "id: is required"},
      // taken numbers: another ring group's, an extension's
      {"POST", target("create", key_a), create_body(0), json_type, 10008, "6300"},
      {"POST", target("create", key_a),
       R"({"number":"3071","member_list":[{"value":"3074","type":"extension"}]})", json_type, 10008,
       "3071"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " " + c.body);
    expect_errcode(yeastar->request(c.method, c.target, c.body, c.headers), c.errcode, c.mentions);
  }
  // Nothing refused changed anything.
  auto all = success(get("list", ""));
  EXPECT_EQ(integer(all, "total_number"), 1);
  auto example = document_example();
  example["data"][0]["id"].SetInt(support);
  EXPECT_EQ(compact(all["data"][0]), compact(example["data"][0]));
}

TEST_F(YeastarRingGroups, EveryAnswerCarriesTheRequestId) {
  auto mine = yeastar->request("GET", target("list", key_a), "", {{"X-Request-Id", "rg-42"}});
  success(mine);
  EXPECT_EQ(mine.header("X-Request-Id"), "rg-42");
  auto refused = yeastar->request("GET", target("list", "nope"), "", {{"X-Request-Id", "rg-43"}});
  expect_errcode(refused, 10002, "access_token");
  EXPECT_EQ(refused.header("X-Request-Id"), "rg-43");
  // An id holding a key is never repeated.
  auto keyed = yeastar->request("GET", target("list", key_a), "", {{"X-Request-Id", key_a}});
  EXPECT_NE(keyed.header("X-Request-Id"), key_a);
  EXPECT_FALSE(keyed.header("X-Request-Id").empty());
}

TEST_F(YeastarRingGroups, AnotherCustomersGroupIsAnUnknownId) {
  create_directory(*a);
  const int ours = create_example(0);
  const int never = ours + 1000;
  auto unknown_as = [&](const HttpResponse& r, int id) {
    expect_errcode(r, 10007, "ring group " + std::to_string(id) + " does not exist");
  };
  // B sees A's group exactly as an id nobody has.
  for (int id : {ours, never}) {
    SCOPED_TRACE(id);
    const std::string n = std::to_string(id);
    unknown_as(get("query", "ids=" + n, key_b), id);
    unknown_as(get("get", "id=" + n, key_b), id);
    unknown_as(post("update", "{\"id\":" + n + R"(,"name":"taken over"})", key_b), id);
    unknown_as(post("delete", "{\"id\":" + n + "}", key_b), id);
    unknown_as(post("delete", "", key_b, "id=" + n), id);
  }
  EXPECT_EQ(integer(success(get("list", "", key_b)), "total_number"), 0);
  // B's members cannot name A's extensions; B may use A's number for its own group.
  expect_errcode(post("create", create_body(0), key_b), 10006, "member_list[0]");
  create_directory(*b);
  const int theirs = create_example(0, key_b);
  EXPECT_GT(theirs, ours);
  EXPECT_EQ(integer(success(get("list", "", key_b)), "total_number"), 1);
  // A's group is untouched.
  auto example = document_example();
  example["data"][0]["id"].SetInt(ours);
  auto read = success(get("get", "id=" + std::to_string(ours)));
  EXPECT_EQ(compact(read["data"]), compact(example["data"][0]));
  unknown_as(get("get", "id=" + std::to_string(theirs)), theirs);
}

TEST_F(YeastarRingGroups, RingGroupsSurviveARestart) {
  create_directory(*a);
  const int support = create_example(0);
  const int marketing = create_example(1);
  success(post("update", "{\"id\":" + std::to_string(marketing) + R"(,"enb_miss_call":1})"));
  const std::string ids = "ids=" + std::to_string(support) + "," + std::to_string(marketing);
  const std::string before = get("query", ids).body;
  const std::string list_before = get("list", "").body;

  restart_daemon();

  auto r = get("query", ids);
  success(r);
  EXPECT_EQ(r.body, before);
  EXPECT_EQ(get("list", "").body, list_before);
  auto marketing_now = success(get("get", "id=" + std::to_string(marketing)));
  EXPECT_EQ(integer(marketing_now["data"], "enb_miss_call"), 1);
  // Ids are never given twice, across restarts too; the numbers are still taken.
  expect_errcode(post("create", create_body(0)), 10008, "6300");
  success(post("delete", "{\"id\":" + std::to_string(support) + "}"));
  EXPECT_GT(create_example(0), marketing);
  const int newest = integer(success(get("list", ""))["data"][1], "id");
  success(post("delete", "{\"id\":" + std::to_string(newest) + "}"));
  restart_daemon();
  expect_errcode(get("get", "id=" + std::to_string(support)), 10007, "does not exist");
  EXPECT_EQ(integer(success(get("list", "")), "total_number"), 1);
  // Not even the highest id, deleted before the restart, is given again.
  EXPECT_GT(create_example(0), newest);
}

TEST_F(YeastarRingGroups, TheRestApiStillAnswersBesideIt) {
  // /openapi/ goes to the dialect, everything else to the REST API as before.
  auto health = a->get("/health");
  EXPECT_EQ(health.status, 200u) << health.body;
  auto unknown = a->get("/openapi");
  expect_error(unknown, 404, "PATH_NOT_FOUND");
  success(get("list", ""));
  auto after = parse_metrics(a->get("/metrics").body);
  EXPECT_EQ(after[R"(chorus_http_requests_total{route="/openapi/v1.0/ringgroup/list",code="200"})"],
            1.0);
}

}  // namespace
}  // namespace chorus::test
