#pragma once
// How the error envelope {"error":{"status","reason",...}} spells its names, shared by
// the REST API and the WebSocket gateway's upgrade refusals so both answer alike.

#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

namespace chorus {

// `text` in upper snake case: letters and digits upper-cased, anything else '_'.
std::string upper_snake(std::string_view text);

// An HTTP status's canonical name in upper snake case: "Not Found" is NOT_FOUND, 426
// is UPGRADE_REQUIRED. The envelope's "status".
std::string status_name(boost::beast::http::status status);

}  // namespace chorus
