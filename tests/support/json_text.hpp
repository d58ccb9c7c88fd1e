#pragma once
// Text as a JSON string literal (quoted, escaped), for request bodies and messages.

#include <string>

namespace chorus::test {

std::string quoted(const std::string& text);

}  // namespace chorus::test
