#pragma once
// chorusd's /metrics (Prometheus text) as a map a test can read and compare.

#include <cstdint>
#include <map>
#include <string>

namespace chorus::test {

// Each sample's value by its name and labels as written: `name{label="value"}`.
using Metrics = std::map<std::string, double>;

// The samples of a Prometheus text body; a line that is not one is a test failure.
Metrics parse_metrics(const std::string& text);

// GET /metrics from chorusd on 127.0.0.1:port (no key needed); a test failure when
// the answer is not 200.
Metrics scrape_metrics(std::uint16_t port);

}  // namespace chorus::test
