#include "transport/websocket_handshake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/verb.hpp>

namespace chorus::websocket {
namespace {

namespace http = boost::beast::http;

// RFC 6455 section 1.3's sample key and the accept value the RFC derives from it.
constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0F]);
  }
  return out;
}

std::string sha1_hex(std::string_view data) {
  return hex(sha1(data));
}

std::string all_bytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

HttpRequest upgrade_request(std::string_view key = rfc_key) {
  HttpRequest request{http::verb::get, "/v1/ws", 11};
  request.set(http::field::host, "chorus.example");
  request.set(http::field::upgrade, "websocket");
  request.set(http::field::connection, "Upgrade");
  request.set(http::field::sec_websocket_version, "13");
  request.set(http::field::sec_websocket_key, key);
  return request;
}

void expect_key_refused(std::string_view key) {
  SCOPED_TRACE(std::string("key: \"") + std::string(key) + "\"");
  auto refusal = check_handshake(upgrade_request(key));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, http::status::bad_request);
  EXPECT_EQ(refusal->field, "Sec-WebSocket-Key");
  EXPECT_FALSE(refusal->rule.empty());
}

// --- SHA-1 (FIPS 180-4 test vectors and block-boundary lengths) ---------------------

TEST(WebSocketSha1, EmptyInput) {
  EXPECT_EQ(sha1("").size(), 20u);
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(WebSocketSha1, Abc) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(WebSocketSha1, FipsTwoBlockMessage) {
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(WebSocketSha1, OneMillionA) {
  EXPECT_EQ(sha1_hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(WebSocketSha1, LengthsAroundThePaddingBoundary) {
  // 55 bytes is the longest tail that leaves room for the 0x80 and the 8-byte length in
  // one block; 56 through 63 need a second padding block; 64 is a whole block.
  struct Case {
    std::size_t length;
    std::string_view digest;
  };
  const Case cases[] = {
      {55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
      {56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
      {63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
      {64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
      {65, "11655326c708d70319be2610e8a57d9a5b959d3b"},
      {119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"},
      {120, "f34c1488385346a55709ba056ddd08280dd4c6d6"},
      {128, "ad5b3fdbcb526778c2839d2f151ea753995e26a0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.length);
    EXPECT_EQ(sha1_hex(std::string(c.length, 'a')), c.digest);
  }
}

TEST(WebSocketSha1, BytesWithTheHighBitSet) {
  EXPECT_EQ(sha1_hex(all_bytes()), "4916d6bdb7f78e6803698cab32d1586ea457dfc8");
}

// --- base64 (RFC 4648 section 10) ----------------------------------------------------

TEST(WebSocketBase64, Rfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(WebSocketBase64, BinaryInputUsesTheWholeAlphabet) {
  EXPECT_EQ(base64(std::string(16, '\xFF')), "/////////////////////w==");
  EXPECT_EQ(
      base64(all_bytes()),
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
      "P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+"
      "AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/"
      "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/"
      "w==");
}

// --- The accept key -------------------------------------------------------------------

TEST(WebSocketAcceptKey, Rfc6455Example) {
  EXPECT_EQ(accept_key(rfc_key), rfc_accept);
}

TEST(WebSocketAcceptKey, DependsOnTheKey) {
  EXPECT_NE(accept_key("AAAAAAAAAAAAAAAAAAAAAA=="), rfc_accept);
  EXPECT_EQ(accept_key("AAAAAAAAAAAAAAAAAAAAAA==").size(), 28u);
}

// --- check_handshake --------------------------------------------------------------------

TEST(WebSocketHandshake, AcceptsAValidUpgrade) {
  EXPECT_FALSE(check_handshake(upgrade_request()));
  EXPECT_FALSE(check_handshake(upgrade_request("AAAAAAAAAAAAAAAAAAAAAA==")));
  EXPECT_FALSE(check_handshake(upgrade_request("/////////////////////w==")));
  EXPECT_FALSE(check_handshake(upgrade_request("AAAAAAAAAAAAAAAAAAAAAg==")));
  EXPECT_FALSE(check_handshake(upgrade_request("+/+/+/+/+/+/+/+/+/+/+w==")));
}

TEST(WebSocketHandshake, RefusesANonGetMethod) {
  for (http::verb verb : {http::verb::post, http::verb::head, http::verb::put}) {
    SCOPED_TRACE(std::string(http::to_string(verb)));
    HttpRequest request = upgrade_request();
    request.method(verb);
    auto refusal = check_handshake(request);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, http::status::bad_request);
    EXPECT_EQ(refusal->field, "method");
  }
}

TEST(WebSocketHandshake, RefusesHttp10) {
  HttpRequest request = upgrade_request();
  request.version(10);
  auto refusal = check_handshake(request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, http::status::bad_request);
  EXPECT_EQ(refusal->field, "version");
}

TEST(WebSocketHandshake, RefusesAnyVersionButThirteenWith426) {
  for (std::string_view version : {"8", "12", "14", "130", "1 3", ""}) {
    SCOPED_TRACE(std::string("version: \"") + std::string(version) + "\"");
    HttpRequest request = upgrade_request();
    request.set(http::field::sec_websocket_version, version);
    auto refusal = check_handshake(request);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, http::status::upgrade_required);
    EXPECT_EQ(refusal->field, "Sec-WebSocket-Version");
  }
}

TEST(WebSocketHandshake, RefusesAMissingVersionWith426) {
  HttpRequest request = upgrade_request();
  request.erase(http::field::sec_websocket_version);
  auto refusal = check_handshake(request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, http::status::upgrade_required);
  EXPECT_EQ(refusal->field, "Sec-WebSocket-Version");
}

TEST(WebSocketHandshake, RefusesAMissingKey) {
  HttpRequest request = upgrade_request();
  request.erase(http::field::sec_websocket_key);
  auto refusal = check_handshake(request);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, http::status::bad_request);
  EXPECT_EQ(refusal->field, "Sec-WebSocket-Key");
}

TEST(WebSocketHandshake, RefusesAKeyOfTheWrongLength) {
  expect_key_refused("");
  expect_key_refused("dGhlIHNhbXBsZSBub25jZQ=");                   // 23 characters
  expect_key_refused("dGhlIHNhbXBsZSBub25jZQ===");                 // 25 characters
  expect_key_refused("dGhlIHNhbXBsZSBub25jZQ");                    // unpadded
  expect_key_refused("Zm9vYmFy");                                  // 6 bytes
  expect_key_refused("dGhlIHNhbXBsZSBub25jZXNhbXBsZSBub25jZQ==");  // 28 bytes
}

TEST(WebSocketHandshake, RefusesAKeyThatIsNotSixteenBytes) {
  // 24 characters, but 17 or 18 bytes: no "==" at the end.
  expect_key_refused("dGhlIHNhbXBsZSBub25jZQA=");
  expect_key_refused("dGhlIHNhbXBsZSBub25jZQAA");
  // "==" but the 22nd character has bits in its low 4, which would not be padding.
  expect_key_refused("dGhlIHNhbXBsZSBub25jZR==");
  expect_key_refused("dGhlIHNhbXBsZSBub25jZf==");
  expect_key_refused("AAAAAAAAAAAAAAAAAAAAA/==");
  expect_key_refused("AAAAAAAAAAAAAAAAAAAAAB==");
  expect_key_refused("AAAAAAAAAAAAAAAAAAAAAE==");  // 000100
  expect_key_refused("AAAAAAAAAAAAAAAAAAAAAI==");  // 001000
  expect_key_refused("dGhlIHNhbXBsZSBub25jZM==");  // 001100
}

TEST(WebSocketHandshake, RefusesAKeyWithCharactersOutsideTheAlphabet) {
  expect_key_refused("dGhlIHNhbXBsZSBub25j*Q==");
  expect_key_refused("dGhlIHNhbXBsZSBub25j-Q==");  // base64url, not base64
  expect_key_refused("dGhlIHNhbXBsZSBub25j_Q==");
  expect_key_refused("dGhlIHNhbXBs=SBub25jZQ==");  // padding in the middle
  expect_key_refused("dGhlIHNhbXBsZSBub25j Q==");
  expect_key_refused(std::string_view("dGhlIHNhbXBsZSBub25j\0Q==", 24));
  expect_key_refused("dGhlIHNhbXBsZSBub25j\xC3Q==");
}

// --- The 101 response -----------------------------------------------------------------

TEST(WebSocketHandshake, SwitchingProtocolsResponse) {
  const std::string response = switching_protocols_response(upgrade_request());
  const std::string_view text = response;
  EXPECT_EQ(text.substr(0, 34), "HTTP/1.1 101 Switching Protocols\r\n");
  EXPECT_NE(text.find("\r\nUpgrade: websocket\r\n"), std::string_view::npos);
  EXPECT_NE(text.find("\r\nConnection: Upgrade\r\n"), std::string_view::npos);
  EXPECT_NE(text.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string_view::npos);
  ASSERT_GE(text.size(), 4u);
  EXPECT_EQ(text.substr(text.size() - 4), "\r\n\r\n");
  // The header ends exactly once, at the end: nothing follows it, no body.
  EXPECT_EQ(text.find("\r\n\r\n"), text.size() - 4);
}

TEST(WebSocketHandshake, SwitchingProtocolsResponseParsesAsHttp) {
  const std::string response =
      switching_protocols_response(upgrade_request("AAAAAAAAAAAAAAAAAAAAAA=="));
  http::response_parser<http::empty_body> parser;
  boost::beast::error_code error;
  const std::size_t used = parser.put(boost::asio::buffer(response), error);
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(used, response.size());
  ASSERT_TRUE(parser.is_header_done());
  const auto& message = parser.get();
  EXPECT_EQ(message.result(), http::status::switching_protocols);
  EXPECT_EQ(message.version(), 11);
  EXPECT_EQ(message[http::field::upgrade], "websocket");
  EXPECT_EQ(message[http::field::connection], "Upgrade");
  EXPECT_EQ(message[http::field::sec_websocket_accept], accept_key("AAAAAAAAAAAAAAAAAAAAAA=="));
}

}  // namespace
}  // namespace chorus::websocket
