#include "transport/error_names.hpp"

#include <cctype>

namespace chorus {

std::string upper_snake(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text)
    out.push_back(std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_');
  return out;
}

std::string status_name(boost::beast::http::status status) {
  auto phrase = boost::beast::http::obsolete_reason(status);
  return upper_snake(std::string_view(phrase.data(), phrase.size()));
}

}  // namespace chorus
