#pragma once
// The X-Request-Id every HTTP answer of chorusd carries (REST answers, the WebSocket
// gateway's refusals and its 101): the client's own when it is safe to repeat, else a
// fresh UUID. The id is also named in the log lines and error bodies of that request.

#include <string>
#include <string_view>

#include "transport/api_keys.hpp"
#include "transport/http_server.hpp"

namespace chorus {

// A client's id is repeated back and logged only when it is 1 to 128 visible ASCII
// characters without quotes or backslashes: nothing that could break a log line, a
// header or a reader's quoting.
bool safe_request_id(std::string_view id);

// `sent` (the client's raw bytes, possibly empty) when it is safe and holds no API key,
// else a new UUID.
std::string request_id_for(std::string_view sent, const ApiKeys& keys);
// The same, for the X-Request-Id field of `request`.
std::string request_id_for(const HttpRequest& request, const ApiKeys& keys);

}  // namespace chorus
