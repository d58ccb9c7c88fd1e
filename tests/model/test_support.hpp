#pragma once
// Helpers shared by the model tests.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "model/uuid.hpp"

namespace chorus::test_support {

// A UUID from text the test knows is valid; a typo fails the test, not the build.
inline Uuid id(std::string_view text) {
  const std::optional<Uuid> parsed = Uuid::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Uuid());
}

// The contents of a file under tests/data.
inline std::string read_data_file(const std::string& relative) {
  const std::string path = std::string(CHORUS_TEST_DATA_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace chorus::test_support
