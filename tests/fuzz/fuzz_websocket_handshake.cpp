// The WebSocket opening handshake (transport/websocket_handshake). The first byte picks:
//  - even: the rest is an upgrade request in request_text.hpp's form. A request is
//    accepted only if it is a GET over HTTP/1.1 or later with version 13 and a key that
//    is the canonical base64 of 16 bytes; the 101 answer is one header block whose
//    Sec-WebSocket-Accept is what Beast computes for the key; a refusal is a 400 or 426
//    naming its header in clean text.
//  - odd: the rest is bytes for the digest and encoding the accept key is made of:
//    sha1 agrees with Boost's SHA-1, base64 with Beast's, and decodes back.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <boost/uuid/detail/sha1.hpp>

#include "property.hpp"
#include "request_text.hpp"
#include "transport/websocket_handshake.hpp"

namespace {

namespace http = boost::beast::http;
namespace ws = chorus::websocket;
using chorus::fuzz::expect;

std::string_view header(const chorus::HttpRequest& request, http::field field) {
  auto value = request[field];
  return {value.data(), value.size()};
}

// Beast's decoder; it stops at the first character outside the alphabet.
std::string base64_decoded(std::string_view text) {
  std::string out(boost::beast::detail::base64::decoded_size(text.size()), '\0');
  out.resize(boost::beast::detail::base64::decode(out.data(), text.data(), text.size()).first);
  return out;
}

std::string boost_sha1(std::string_view data) {
  boost::uuids::detail::sha1 hash;
  hash.process_bytes(data.data(), data.size());
  boost::uuids::detail::sha1::digest_type digest;
  hash.get_digest(digest);
  std::string out;
  for (auto word : digest) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(word >> shift));
  }
  return out;
}

void check_accepted(const chorus::HttpRequest& request) {
  expect(request.method() == http::verb::get, "only a GET upgrades");
  expect(request.version() >= 11, "only HTTP/1.1 upgrades");
  expect(header(request, http::field::sec_websocket_version) == "13", "only version 13 upgrades");
  std::string_view key = header(request, http::field::sec_websocket_key);
  std::string bytes = base64_decoded(key);
  expect(bytes.size() == 16 && ws::base64(bytes) == key,
         "an accepted key is the canonical base64 of 16 bytes", key);
  std::string response = ws::switching_protocols_response(request);
  expect(response.rfind("HTTP/1.1 101 ", 0) == 0, "the answer is a 101", response);
  expect(response.find("\r\n\r\n") == response.size() - 4, "the 101 is one header block", response);
  boost::beast::websocket::detail::sec_ws_accept_type beast_accept;
  boost::beast::websocket::detail::make_sec_ws_accept(beast_accept, key);
  std::string accept(beast_accept.data(), beast_accept.size());
  expect(ws::accept_key(key) == accept, "the accept key is what Beast computes", key);
  expect(response.find("\r\nSec-WebSocket-Accept: " + accept + "\r\n") != std::string::npos,
         "the 101 carries the accept key", response);
}

void check_request(std::string_view text) {
  auto request = chorus::fuzz::request_from_text(text);
  if (!request) return;
  auto refusal = ws::check_handshake(*request);
  if (!refusal) return check_accepted(*request);
  expect(refusal->status == http::status::bad_request ||
             refusal->status == http::status::upgrade_required,
         "a refused handshake is a 400 or a 426");
  chorus::fuzz::expect_clean(refusal->field, "a refusal's field");
  chorus::fuzz::expect_clean(refusal->rule, "a refusal's rule");
}

void check_encoding(std::string_view bytes) {
  std::string digest = ws::sha1(bytes);
  expect(digest == boost_sha1(bytes), "sha1 agrees with Boost's SHA-1", bytes);
  std::string encoded = ws::base64(bytes);
  std::string beast(boost::beast::detail::base64::encoded_size(bytes.size()), '\0');
  beast.resize(boost::beast::detail::base64::encode(beast.data(), bytes.data(), bytes.size()));
  expect(encoded == beast, "base64 agrees with Beast's", bytes);
  expect(base64_decoded(encoded) == bytes, "base64 decodes back", bytes);
  // accept_key is defined on any text: it must not depend on anything but the key.
  expect(ws::accept_key(bytes) ==
             ws::base64(ws::sha1(std::string(bytes) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
         "accept_key is base64(sha1(key + GUID))", bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    check_request(rest);
  } else {
    check_encoding(rest);
  }
  return 0;
}
