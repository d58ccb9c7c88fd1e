#include "tests/support/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/http_client.hpp"

namespace chorus::test {

Metrics parse_metrics(const std::string& text) {
  Metrics out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    try {
      if (space == std::string::npos) throw std::invalid_argument("no value");
      out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      ADD_FAILURE() << "not a sample: " << line;
    }
  }
  return out;
}

Metrics scrape_metrics(std::uint16_t port) {
  auto answer = http_request(port, "GET", "/metrics");
  EXPECT_EQ(answer.status, 200u) << answer.error << answer.body;
  return parse_metrics(answer.body);
}

}  // namespace chorus::test
