#pragma once
// chorusd's error answers, whichever way they come (REST, a refused WebSocket
// upgrade): VoIPbin's envelope {"error":{"status","reason","message","request_id"}},
// plus Chorus's "field" when the fault is one field's.

#include <optional>
#include <string>

#include "tests/support/http_response.hpp"

namespace chorus::test {

// The canonical name of an HTTP status chorusd answers with, as an envelope's
// "status" holds it.
std::string status_name(unsigned status);

// Checks `body` is the envelope: the status's name, `reason`, a message (that
// mentions `mentions`), the request id of the answer's X-Request-Id
// (`request_id_header`), and a "field" the message names. With `field`, the
// envelope's "field" must be that one, or absent when it is "".
void expect_error_envelope(const std::string& body, const std::string& request_id_header,
                           unsigned status, const std::string& reason,
                           const std::string& mentions = "",
                           const std::optional<std::string>& field = std::nullopt);

// An error answer: its status, JSON, and the envelope as above.
void expect_error(const HttpResponse& r, unsigned status, const std::string& reason,
                  const std::string& mentions = "",
                  const std::optional<std::string>& field = std::nullopt);

}  // namespace chorus::test
