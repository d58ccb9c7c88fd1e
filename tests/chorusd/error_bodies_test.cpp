// What chorusd says when it refuses: never the API key, never raw request bytes,
// always valid JSON in valid UTF-8; a request line over the header limit is 414 and
// header fields over it 431, however the bytes arrive.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class ErrorBodies : public ApiTest {
 protected:
  // The answer to raw bytes on a connection of their own; a test failure if none comes.
  HttpResponse raw(const std::vector<std::string>& pieces) {
    RawConnection c(port());
    for (auto& piece : pieces) {
      c.send(piece);
      // Each piece arrives on its own, as a slow client sends it.
      std::this_thread::sleep_for(std::chrono::milliseconds(pieces.size() > 1 ? 50 : 0));
    }
    auto r = c.read_response(std::chrono::seconds(5));
    if (!r) {
      ADD_FAILURE() << "no answer";
      return {};
    }
    return *r;
  }
};

// The body is JSON in valid UTF-8 (RapidJSON checks the encoding while parsing).
void expect_valid_json(const HttpResponse& r) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.c_str(), r.body.size());
  EXPECT_FALSE(doc.HasParseError()) << "not valid JSON in UTF-8: " << r.body;
}

void expect_no_echo(const HttpResponse& r, const std::vector<std::string>& secrets) {
  for (auto& secret : secrets) {
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "echoes " << secret << ": " << r.body;
  }
}

TEST_F(ErrorBodies, A404RepeatsNothingOfTheRequest) {
  HttpClient anonymous(port());
  for (auto* query : {"?token=", "?accesskey=", "?page_size=1&token="}) {
    SCOPED_TRACE(query);
    auto r = anonymous.get("/v1.0/queues" + std::string(query) + key_a);
    expect_error(r, 404, "PATH_NOT_FOUND");
    EXPECT_EQ(str(error_of(r), "message"), "no such path");
    expect_no_echo(r, {key_a, "token", "accesskey", "?", "queues"});
  }
  // Raw bytes, control characters and bulk are not repeated at all.
  const std::vector<std::string> paths = {"/v1.0/\xff\xfe", "/v1.0/caf\xc3\xa9",
                                          "/v1.0/" + std::string(500, 'a'), "/v1.0/%ff%00",
                                          "/v1.0/groupcal" + key_a};
  for (auto& path : paths) {
    SCOPED_TRACE(path.substr(0, 40));
    auto r = raw({"GET " + path + "?token=" + key_a + " HTTP/1.1\r\nHost: x\r\n\r\n"});
    expect_valid_json(r);
    expect_error(r, 404, "PATH_NOT_FOUND");
    EXPECT_EQ(str(error_of(r), "message"), "no such path");
    expect_no_echo(r, {key_a, "\xff", "\xc3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"});
  }
}

TEST_F(ErrorBodies, A405NamesOnlyMethodsItKnows) {
  auto r = a->request("PATCH", "/v1.0/calls");
  expect_error(r, 405, "METHOD_NOT_ALLOWED", "PATCH is not allowed here");
  std::string invented(3000, 'X');
  auto odd = a->request(invented, "/v1.0/calls");
  expect_error(odd, 405, "METHOD_NOT_ALLOWED", "this method is not allowed here; allowed: GET");
  expect_no_echo(odd, {"XXXXXXXX"});
}

TEST_F(ErrorBodies, EveryRefusalIsJsonWithoutTheRequestInIt) {
  const std::string key_header = "Authorization: Bearer " + key_a + "\r\n";
  const std::vector<std::string> hostile = {
      "GET /v1.0/\xff?token=" + key_a + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /v1.0/calls/\xff\xfe HTTP/1.1\r\nHost: x\r\n" + key_header + "\r\n",
      "\xff\xfe /v1.0/calls HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /v1.0/calls HTTP/1.1\r\nHost: x\r\nX-\xff: " + key_a + "\r\n\r\n",
      "GET /v1.0/calls HTTP/1.1\r\nHost: x\r\nContent-Length: \xff" + key_a + "\r\n\r\n",
      "GET /v1.0/calls?token=" + key_a + std::string(9000, '\xff') + " HTTP/1.1\r\n\r\n",
      "GET /v1.0/calls HTTP/1.1\r\n" + key_header + "X: " + std::string(9000, '\xfe') + "\r\n\r\n",
      "POST /v1.0/agents?token=" + key_a + " HTTP/1.1\r\nHost: x\r\n" +
          "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n",
  };
  for (auto& request : hostile) {
    SCOPED_TRACE(request.substr(0, 50));
    auto r = raw({request});
    EXPECT_GE(r.status, 400u) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    expect_valid_json(r);
    expect_no_echo(r, {key_a, "\xff", "\xfe"});
  }
  EXPECT_EQ(a->get("/health").status, 200u);
}

TEST_F(ErrorBodies, ALongRequestLineIs414) {
  std::string target = "/v1.0/calls?page_token=" + std::string(9000, 'x');
  // Whole, and in pieces that leave the line unfinished past the limit.
  for (auto& pieces : std::vector<std::vector<std::string>>{
           {"GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"},
           {"GET " + target.substr(0, 4000), target.substr(4000), " HTTP/1.1\r\n\r\n"}}) {
    SCOPED_TRACE(pieces.size());
    auto r = raw(pieces);
    expect_error(r, 414, "URI_TOO_LONG", "the request line exceeds 8192 bytes");
    expect_no_echo(r, {"xxxxxxxx"});
  }
  // Just under the limit is no error of the header's.
  auto fits = a->get("/v1.0/calls?page_size=1&x=" + std::string(8000, 'x'));
  EXPECT_EQ(fits.status, 200u) << fits.body;
}

TEST_F(ErrorBodies, LargeHeaderFieldsAre431) {
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += "X-Field-" + std::to_string(i) + ": " + std::string(90, 'v') + "\r\n";
  const std::string line = "GET /health HTTP/1.1\r\nHost: x\r\n";
  const std::string huge = "X-Huge: " + std::string(20000, 'h');
  for (auto& pieces : std::vector<std::vector<std::string>>{
           {line + huge + "\r\n\r\n"},
           {line + many + "\r\n"},
           // One field arriving slowly: no line end in sight when the limit is passed.
           {line + huge.substr(0, 5000), huge.substr(5000, 5000), huge.substr(10000) + "\r\n\r\n"},
       }) {
    SCOPED_TRACE(pieces.size());
    auto r = raw(pieces);
    expect_error(r, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "the header fields exceed 8192 bytes");
    expect_no_echo(r, {"hhhhhhhh", "vvvvvvvv"});
  }
  // Fields just under the limit are fine.
  auto fits = a->get("/health", {{"X-Padding", std::string(7900, 'p')}});
  EXPECT_EQ(fits.status, 200u) << fits.body;
}

}  // namespace
}  // namespace chorus::test
