#pragma once
// An HTTP answer as the tests read it, whichever client got it.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace chorus::test {

// Request header fields, in the order they are sent.
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string lower(std::string text);

struct HttpResponse {
  unsigned status = 0;                         // 0: no (complete) answer; `error` may say why
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool keep_alive = false;
  std::string error;

  // The field's value (any case of its name), or "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.count(lower(name)) > 0; }
};

}  // namespace chorus::test
