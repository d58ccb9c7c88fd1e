#include "transport/websocket_handshake.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace chorus::websocket {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view key_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::uint32_t rotate_left(std::uint32_t value, int bits) {
  return (value << bits) | (value >> (32 - bits));
}

// One 64-byte block of FIPS 180-4 SHA-1.
void sha1_block(std::array<std::uint32_t, 5>& h, const unsigned char* block) {
  std::uint32_t w[80];
  for (int i = 0; i < 16; ++i) {
    w[i] = (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
           (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
  }
  for (int i = 16; i < 80; ++i) w[i] = rotate_left(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; ++i) {
    std::uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d), k = 0x5A827999;
    } else if (i < 40) {
      f = b ^ c ^ d, k = 0x6ED9EBA1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
    } else {
      f = b ^ c ^ d, k = 0xCA62C1D6;
    }
    std::uint32_t t = rotate_left(a, 5) + f + e + k + w[i];
    e = d, d = c, c = rotate_left(b, 30), b = a, a = t;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

std::string_view header(const HttpRequest& request, http::field field) {
  auto value = request[field];
  return {value.data(), value.size()};
}

bool is_base64_of_16_bytes(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    if (base64_alphabet.find(c) == std::string_view::npos) return false;
  }
  // The 22nd character carries the last byte's low 2 bits; its own low 4 are padding.
  return (base64_alphabet.find(key[21]) & 0x0F) == 0;
}

}  // namespace

std::string sha1(std::string_view data) {
  std::array<std::uint32_t, 5> h{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::size_t whole = data.size() / 64 * 64;
  auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  for (std::size_t i = 0; i < whole; i += 64) sha1_block(h, bytes + i);
  // The tail, a 1 bit, zeros, and the length in bits: one or two more blocks.
  unsigned char tail[128] = {};
  std::size_t rest = data.size() - whole;
  std::memcpy(tail, bytes + whole, rest);
  tail[rest] = 0x80;
  std::size_t tail_size = rest + 1 + 8 <= 64 ? 64 : 128;
  std::uint64_t bits = std::uint64_t(data.size()) * 8;
  for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (std::size_t i = 0; i < tail_size; i += 64) sha1_block(h, tail + i);
  std::string digest(20, '\0');
  for (int i = 0; i < 20; ++i) digest[i] = static_cast<char>(h[i / 4] >> (24 - 8 * (i % 4)));
  return digest;
}

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(s[i]) << 16) | (std::uint32_t(s[i + 1]) << 8) | s[i + 2];
    for (int k = 3; k >= 0; --k) out.push_back(base64_alphabet[(v >> (6 * k)) & 0x3F]);
  }
  if (std::size_t rest = bytes.size() - i) {
    std::uint32_t v = std::uint32_t(s[i]) << 16;
    if (rest == 2) v |= std::uint32_t(s[i + 1]) << 8;
    out.push_back(base64_alphabet[(v >> 18) & 0x3F]);
    out.push_back(base64_alphabet[(v >> 12) & 0x3F]);
    out.push_back(rest == 2 ? base64_alphabet[(v >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input.append(key_guid);
  return base64(sha1(input));
}

std::optional<HandshakeRefusal> check_handshake(const HttpRequest& request) {
  if (request.method() != http::verb::get) {
    return HandshakeRefusal{http::status::bad_request, "method", "a WebSocket upgrade is a GET"};
  }
  if (request.version() < 11) {
    return HandshakeRefusal{http::status::bad_request, "version",
                            "a WebSocket upgrade needs HTTP/1.1"};
  }
  if (header(request, http::field::sec_websocket_version) != "13") {
    return HandshakeRefusal{http::status::upgrade_required, "Sec-WebSocket-Version", "must be 13"};
  }
  if (!is_base64_of_16_bytes(header(request, http::field::sec_websocket_key))) {
    return HandshakeRefusal{http::status::bad_request, "Sec-WebSocket-Key",
                            "must be 16 bytes in base64"};
  }
  return std::nullopt;
}

std::string switching_protocols_response(const HttpRequest& request, std::string_view request_id) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Server: chorusd\r\n"
      "Sec-WebSocket-Accept: ";
  response.append(accept_key(header(request, http::field::sec_websocket_key)));
  if (!request_id.empty()) {
    response.append("\r\nX-Request-Id: ");
    response.append(request_id);
  }
  response.append("\r\n\r\n");
  return response;
}

}  // namespace chorus::websocket
