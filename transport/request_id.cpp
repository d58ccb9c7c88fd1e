#include "transport/request_id.hpp"

#include <algorithm>

#include "model/uuid.hpp"

namespace chorus {

bool safe_request_id(std::string_view id) {
  constexpr std::size_t longest = 128;
  return !id.empty() && id.size() <= longest && std::all_of(id.begin(), id.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\';
  });
}

std::string request_id_for(std::string_view sent, const ApiKeys& keys) {
  // A key in an id would be repeated in the answer and written to the log.
  if (safe_request_id(sent) && !keys.appears_in(sent)) return std::string(sent);
  return Uuid::generate().to_string();
}

std::string request_id_for(const HttpRequest& request, const ApiKeys& keys) {
  auto sent = request["X-Request-Id"];
  return request_id_for(std::string_view(sent.data(), sent.size()), keys);
}

}  // namespace chorus
