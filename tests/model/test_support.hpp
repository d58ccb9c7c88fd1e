#pragma once
// Helpers shared by the model tests.

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus::test_support {

// A UUID from text the test knows is valid; a typo fails the test, not the build.
inline Uuid id(std::string_view text) {
  const std::optional<Uuid> parsed = Uuid::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Uuid());
}

// The customer the model tests' requests belong to (VoIPbin's examples' own).
inline const Uuid example_customer = Uuid::parse("5e4a0680-804e-11ec-8477-2fea5968d85b").value();

// The contents of a file under tests/data.
inline std::string read_data_file(const std::string& relative) {
  const std::string path = std::string(CHORUS_TEST_DATA_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Checks that to_string and `parse` agree on exactly the listed pairs of an enum.
template <class E, class Parse>
void expect_both_ways(const std::vector<std::pair<E, std::string_view>>& table, Parse parse) {
  for (const auto& [value, text] : table) {
    EXPECT_EQ(to_string(value), text);
    const std::optional<E> parsed = parse(text);
    ASSERT_TRUE(parsed) << '"' << text << '"';
    EXPECT_EQ(*parsed, value) << '"' << text << '"';
  }
}

// A decoder's answer as a Status: its error, or none.
template <class T>
Status status_of(const Result<T>& result) {
  return result ? Status() : Status(result.error());
}

}  // namespace chorus::test_support
