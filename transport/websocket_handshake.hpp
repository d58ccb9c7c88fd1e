#pragma once
// The server side of the WebSocket opening handshake (RFC 6455 section 4.2): which
// upgrade requests are acceptable, and the 101 answer that switches protocols.

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/status.hpp>

#include "transport/http_server.hpp"

namespace chorus::websocket {

struct HandshakeRefusal {
  boost::beast::http::status status;
  std::string field;  // the header at fault
  std::string rule;
};

// Why a request that asks for a WebSocket upgrade cannot have one, if it cannot:
// GET over HTTP/1.1, Sec-WebSocket-Version 13 (426 otherwise, as the RFC asks),
// and a Sec-WebSocket-Key that is 16 bytes in base64.
std::optional<HandshakeRefusal> check_handshake(const HttpRequest& request);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + RFC GUID)).
std::string accept_key(std::string_view client_key);

// The whole 101 response, ready to be the first bytes the session writes, with an
// X-Request-Id field when `request_id` is not empty. `request_id` is written as it is:
// it must be one request_id_for chose (visible ASCII, no line break).
std::string switching_protocols_response(const HttpRequest& request,
                                         std::string_view request_id = {});

// Exposed for tests: the SHA-1 digest and base64 encoding the accept key is made of.
std::string sha1(std::string_view data);
std::string base64(std::string_view bytes);

}  // namespace chorus::websocket
