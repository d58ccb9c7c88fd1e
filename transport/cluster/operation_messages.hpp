#pragma once
// What crosses NATS when one node has another answer an operation: the request as
// its client sent it (customer, method, path, body, request id; never its API key
// or query, which may hold one) and the answer (status, JSON body). Both are read
// as hostile: whoever can publish on NATS could send anything.

#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"
#include "model/uuid.hpp"
#include "transport/http_server.hpp"
#include "transport/remote_operations.hpp"

namespace chorus {

inline constexpr const char* operations_subject = "chorus.operations";

struct ForwardedRequest {
  Uuid customer_id;
  HttpRequest request;
};

std::string encode_request(const Uuid& customer_id, const HttpRequest& request);
Result<ForwardedRequest> decode_request(std::string_view text);

std::string encode_answer(const HttpResponse& response);
Result<ForwardedAnswer> decode_answer(std::string_view text);

}  // namespace chorus
