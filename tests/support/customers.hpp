#pragma once
// The two customers every chorusd suite runs its daemon with, A and B, each with
// an API key: isolation between them is what most tests check.

#include <string>
#include <vector>

#include "tests/support/http_response.hpp"

namespace chorus::test {

inline const std::string customer_a = "a1a1a1a1-0000-4000-8000-00000000000a";
inline const std::string customer_b = "b2b2b2b2-0000-4000-8000-00000000000b";
inline const std::string key_a = "key-of-a";
inline const std::string key_b = "key-of-b";

// chorusd's flags that give A and B their keys.
inline std::vector<std::string> api_key_flags() {
  return {"--api-key", key_a + "=" + customer_a, "--api-key", key_b + "=" + customer_b};
}

inline Headers bearer(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}

}  // namespace chorus::test
