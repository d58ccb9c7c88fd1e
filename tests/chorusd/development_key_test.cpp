// The development key: "dev-" and 32 lowercase hex digits, every one of its 128 bits
// drawn afresh (unit tests of transport/development_key.hpp, no daemon).

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "transport/development_key.hpp"

namespace chorus::test {
namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

TEST(DevelopmentKey, IsDevAnd32HexDigits) {
  auto key = development_key();
  ASSERT_EQ(key.size(), 36u) << key;
  EXPECT_EQ(key.substr(0, 4), "dev-") << key;
  for (char c : key.substr(4)) EXPECT_TRUE(is_lower_hex(c)) << key;
}

TEST(DevelopmentKey, TwoKeysDiffer) {
  EXPECT_NE(development_key(), development_key());
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.insert(development_key());
  EXPECT_EQ(keys.size(), 1000u);
}

// Every digit of the key varies: across 1000 keys each of the 32 positions shows all 16
// values (a position stuck or drawn from fewer bits misses some; chance alone misses one
// with probability about 32 * 16 * (15/16)^1000, under 1e-25).
TEST(DevelopmentKey, EveryDigitCarriesFourFreshBits) {
  std::array<std::set<char>, 32> seen;
  for (int i = 0; i < 1000; ++i) {
    auto key = development_key();
    ASSERT_EQ(key.size(), 36u);
    for (std::size_t p = 0; p < 32; ++p) seen[p].insert(key[4 + p]);
  }
  for (std::size_t p = 0; p < 32; ++p) EXPECT_EQ(seen[p].size(), 16u) << "digit " << p;
}

}  // namespace
}  // namespace chorus::test
