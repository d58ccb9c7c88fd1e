#include "tests/support/http_response.hpp"

#include <algorithm>
#include <cctype>

namespace chorus::test {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string HttpResponse::header(const std::string& name) const {
  auto i = headers.find(lower(name));
  return i == headers.end() ? std::string() : i->second;
}

}  // namespace chorus::test
