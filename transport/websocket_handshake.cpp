#include "transport/websocket_handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace chorus::websocket {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view key_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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

// The accept key's digest and encoding are OpenSSL's: a library that is audited
// for them beats a hand-written copy.
std::string sha1(std::string_view data) {
  std::string digest(SHA_DIGEST_LENGTH, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string base64(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (padded) and a NUL.
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  auto written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                 reinterpret_cast<const unsigned char*>(bytes.data()),
                                 static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
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
