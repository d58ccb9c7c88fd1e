#pragma once
// A benchmark flag's whole-number value, within [min, max].

#include <cstdlib>

namespace chorus::bench {

inline bool parse_number(const char* text, long min, long max, long& out) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < min || value > max) return false;
  out = value;
  return true;
}

}  // namespace chorus::bench
