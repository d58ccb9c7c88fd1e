// Every answer carries an X-Request-Id: the client's own when it sent a safe one, a
// fresh UUID otherwise. Every error answer is VoIPbin's envelope
// {"error":{"status","reason","message","request_id"}} with that same id, plus
// Chorus's "field" when the error is about one; and the id is in chorusd's log line
// for the request.

#include <gtest/gtest.h>

#include <sstream>

#include <algorithm>
#include <regex>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

bool is_uuid(const std::string& text) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_match(text, uuid);
}

// The members of an error object, sorted by name.
std::set<std::string> members(const JsonValue& error) {
  std::set<std::string> names;
  for (auto& m : error.GetObject()) names.insert(m.name.GetString());
  return names;
}

const std::set<std::string> envelope = {"message", "reason", "request_id", "status"};
const std::set<std::string> envelope_with_field = {"field", "message", "reason", "request_id",
                                                   "status"};

class RequestId : public ApiTest {
 protected:
  // The answer to raw bytes on a connection of their own.
  HttpResponse raw(const std::string& bytes) {
    RawConnection c(port());
    c.send(bytes);
    auto r = c.read_response(std::chrono::seconds(5));
    if (!r) {
      ADD_FAILURE() << "no answer";
      return {};
    }
    return *r;
  }
  // GET `path` with `id` as X-Request-Id, sent as raw bytes (a client library may refuse
  // to send what a hostile one does).
  HttpResponse get_with_id(const std::string& path, const std::string& id) {
    return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key_a +
               "\r\nX-Request-Id: " + id + "\r\n\r\n");
  }
};

TEST_F(RequestId, A404IsTheEnvelopeNamingTheResource) {
  auto r = a->get("/v1.0/groupcalls/" + random_id);
  expect_error(r, 404, "GROUPCALL_NOT_FOUND", "groupcall not found");
  EXPECT_EQ(members(error_of(r)), envelope) << r.body;
  expect_error(a->get("/v1.0/calls/" + random_id), 404, "CALL_NOT_FOUND");
  expect_error(a->get("/v1.0/agents/" + random_id), 404, "AGENT_NOT_FOUND");
  expect_error(a->del("/v1.0/extensions/" + random_id), 404, "EXTENSION_NOT_FOUND");
  expect_error(a->get("/v1.0/queues"), 404, "PATH_NOT_FOUND", "no such path");
  // Another customer's groupcall answers exactly as a missing one: 404, not 403.
  auto theirs = create_groupcall(*b, groupcall_body({endpoint("x@sim")}));
  expect_error(a->get("/v1.0/groupcalls/" + str(theirs, "id")), 404, "GROUPCALL_NOT_FOUND");
}

TEST_F(RequestId, A400AboutAFieldNamesItsPath) {
  auto body = groupcall_body({R"({"type":"tel","target":5})"});
  auto r = a->post("/v1.0/groupcalls", body);
  expect_field_error(r, 400, "INVALID_ARGUMENT", "destinations[0].target");
  EXPECT_EQ(members(error_of(r)), envelope_with_field) << r.body;
  expect_field_error(a->get("/v1.0/calls?page_size=0"), 400, "INVALID_ARGUMENT", "page_size");
  expect_field_error(a->get("/v1.0/calls/nope"), 400, "INVALID_ARGUMENT", "id");
  // Over --max-destinations 3: a limit, still 400, still about a field.
  auto four =
      groupcall_body({endpoint("1@sim"), endpoint("2@sim"), endpoint("3@sim"), endpoint("4@sim")});
  expect_field_error(a->post("/v1.0/groupcalls", four), 400, "LIMIT_EXCEEDED", "destinations");
}

TEST_F(RequestId, RefusalsBeforeTheResourceAreTheEnvelopeToo) {
  HttpClient anonymous(port());
  auto unauthorized = anonymous.get("/v1.0/groupcalls");
  expect_error(unauthorized, 401, "UNAUTHORIZED", "API key");
  EXPECT_EQ(members(error_of(unauthorized)), envelope) << unauthorized.body;

  auto wrong_method = a->request("PATCH", "/v1.0/groupcalls");
  expect_error(wrong_method, 405, "METHOD_NOT_ALLOWED", "PATCH is not allowed here");
  EXPECT_EQ(wrong_method.header("Allow"), "GET, POST");
  expect_error(a->request("POST", "/health"), 405, "METHOD_NOT_ALLOWED");

  auto not_json =
      a->request("POST", "/v1.0/agents", agent_body("x", {}), {{"Content-Type", "text/plain"}});
  expect_error(not_json, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
  EXPECT_EQ(members(error_of(not_json)), envelope) << not_json.body;
}

TEST_F(RequestId, A409IsTheEnvelope) {
  create_extension(*a, extension_body("Desk", "2001", {}));
  auto r = a->post("/v1.0/extensions", extension_body("Again", "2001", {}));
  expect_error(r, 409, "CONFLICT", "2001");
  EXPECT_EQ(members(error_of(r)), envelope) << r.body;
}

TEST_F(RequestId, A413KeepsTheIdOfTheHeaderItRead) {
  auto r =
      raw("POST /v1.0/agents HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-body-1\r\n"
          "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  expect_error(r, 413, "PAYLOAD_TOO_LARGE", "1048576");
  EXPECT_EQ(r.header("X-Request-Id"), "big-body-1");
  EXPECT_EQ(members(error_of(r)), envelope) << r.body;
}

TEST_F(RequestId, ARefusalKeepsAnIdItReadElseMakesOne) {
  // The id's field was read whole before the line that broke the request.
  auto malformed = raw("GET /health HTTP/1.1\r\nX-Request-Id: mine-1\r\nBad Header Line\r\n\r\n");
  expect_error(malformed, 400, "MALFORMED_REQUEST", "malformed HTTP request");
  EXPECT_EQ(malformed.header("X-Request-Id"), "mine-1");
  auto long_fields = raw(
      "GET /health HTTP/1.1\r\nX-Request-Id: mine-2\r\nX: " + std::string(9000, 'h') + "\r\n\r\n");
  expect_error(long_fields, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE");
  EXPECT_EQ(long_fields.header("X-Request-Id"), "mine-2");
  // Never read: after the broken line, or no header at all.
  auto after = raw("GET /health HTTP/1.1\r\nBad Header Line\r\nX-Request-Id: mine-3\r\n\r\n");
  expect_error(after, 400, "MALFORMED_REQUEST");
  EXPECT_TRUE(is_uuid(after.header("X-Request-Id"))) << after.header("X-Request-Id");
  auto long_line = raw("GET /v1.0/calls?x=" + std::string(9000, 'x') + " HTTP/1.1\r\n\r\n");
  expect_error(long_line, 414, "URI_TOO_LONG");
  EXPECT_TRUE(is_uuid(long_line.header("X-Request-Id"))) << long_line.header("X-Request-Id");
  // An unsafe one is replaced here too.
  auto unsafe = raw("GET /health HTTP/1.1\r\nX-Request-Id: a b\r\nBad Header Line\r\n\r\n");
  EXPECT_TRUE(is_uuid(unsafe.header("X-Request-Id"))) << unsafe.header("X-Request-Id");
}

TEST_F(RequestId, ASafeIdIsEchoedOnSuccessAndError) {
  const std::string id = "req-42_a.b:c/d+e=f";
  auto list = a->get("/v1.0/groupcalls", {{"X-Request-Id", id}});
  EXPECT_EQ(list.status, 200u);
  EXPECT_EQ(list.header("X-Request-Id"), id);
  auto missing = a->get("/v1.0/calls/" + random_id, {{"X-Request-Id", id}});
  expect_error(missing, 404, "CALL_NOT_FOUND");
  EXPECT_EQ(str(error_of(missing), "request_id"), id);
  EXPECT_EQ(missing.header("X-Request-Id"), id);
  // 128 characters is the longest kept.
  std::string longest(128, 'r');
  EXPECT_EQ(a->get("/health", {{"X-Request-Id", longest}}).header("X-Request-Id"), longest);
}

TEST_F(RequestId, EveryAnswerWithoutOneGetsANewUuid) {
  HttpClient anonymous(port());
  std::set<std::string> ids;
  for (auto* path : {"/health", "/metrics", "/", "/v1.0/groupcalls", "/v1.0/customer"}) {
    SCOPED_TRACE(path);
    auto r = a->get(path);
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(is_uuid(r.header("X-Request-Id"))) << r.header("X-Request-Id");
    ids.insert(r.header("X-Request-Id"));
  }
  for (int i = 0; i < 3; ++i) {
    auto r = anonymous.get("/v1.0/groupcalls");
    EXPECT_EQ(r.status, 401u);
    EXPECT_TRUE(is_uuid(r.header("X-Request-Id"))) << r.header("X-Request-Id");
    ids.insert(r.header("X-Request-Id"));
  }
  EXPECT_EQ(ids.size(), 8u) << "request ids repeat";
}

TEST_F(RequestId, AnUnsafeIdIsReplaced) {
  const std::vector<std::string> unsafe = {
      std::string(129, 'r'), "with space", "tab\there", "quote\"d", "it's",           "back\\slash",
      "caf\xc3\xa9",         "\x80\xff",   "",          key_a,      "prefix-" + key_a};
  std::set<std::string> ids;
  for (auto& id : unsafe) {
    SCOPED_TRACE(id);
    auto r = get_with_id("/v1.0/calls/" + random_id, id);
    expect_error(r, 404, "CALL_NOT_FOUND");
    auto answered = r.header("X-Request-Id");
    EXPECT_TRUE(is_uuid(answered)) << answered;
    EXPECT_EQ(r.body.find(key_a), std::string::npos) << r.body;
    ids.insert(answered);
  }
  EXPECT_EQ(ids.size(), unsafe.size());
  // A control character makes the whole request malformed: refused, with a new id.
  auto control = get_with_id("/health", "bell\x07");
  EXPECT_EQ(control.status, 400u);
  EXPECT_TRUE(is_uuid(control.header("X-Request-Id"))) << control.header("X-Request-Id");
}

class RequestIdLog : public ApiTest {
 protected:
  std::vector<std::string> flags() override {
    auto f = api_key_flags();
    f.insert(f.end(), {"--log-level", "debug"});
    return f;
  }
  std::string log() const { return daemon->out() + daemon->err(); }
  // Waits (bounded) for a log line holding every one of `parts`.
  bool logged(const std::vector<std::string>& parts) const {
    return eventually([&] {
      std::istringstream lines(log());
      std::string line;
      while (std::getline(lines, line)) {
        bool all = std::all_of(parts.begin(), parts.end(), [&](const std::string& p) {
          return line.find(p) != std::string::npos;
        });
        if (all) return true;
      }
      return false;
    });
  }
};

TEST_F(RequestIdLog, TheLogLineOfARequestCarriesItsId) {
  auto sent = a->get("/v1.0/groupcalls/" + random_id, {{"X-Request-Id", "trace-me-7"}});
  expect_error(sent, 404, "GROUPCALL_NOT_FOUND");
  EXPECT_TRUE(logged({"trace-me-7", "GET", "/v1.0/groupcalls/" + random_id})) << log();
  EXPECT_TRUE(logged({"trace-me-7", "404", "GROUPCALL_NOT_FOUND"})) << log();

  auto generated = a->get("/v1.0/groupcalls");
  auto id = generated.header("X-Request-Id");
  ASSERT_TRUE(is_uuid(id)) << id;
  EXPECT_TRUE(logged({id, "GET", "/v1.0/groupcalls"})) << log();

  // A refusal made before routing is logged with its id too.
  RawConnection big(port());
  big.send(
      "POST /v1.0/agents HTTP/1.1\r\nHost: x\r\nX-Request-Id: too-big-9\r\n"
      "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
  auto refused = big.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->header("X-Request-Id"), "too-big-9");
  EXPECT_TRUE(logged({"too-big-9", "413", "PAYLOAD_TOO_LARGE"})) << log();
}

}  // namespace
}  // namespace chorus::test
