#pragma once
// A benchmark's flags: `--flag value` pairs, and values that must be numbers within
// [min, max].

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace chorus::bench {

inline bool parse_number(const char* text, long min, long max, long& out) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < min || value > max) return false;
  out = value;
  return true;
}

inline bool parse_real(const char* text, double min, double max, double& out) {
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= min && value <= max)) return false;
  out = value;
  return true;
}

// Hands every `--flag value` pair after argv[0] to `take(flag, value)`; false (and
// the pair named on stderr) at the first it refuses, or when a value is missing.
template <typename Take>
bool for_each_flag(int argc, char** argv, Take&& take) {
  if (argc % 2 == 0) {
    std::fprintf(stderr, "%s without its value\n", argv[argc - 1]);
    return false;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!take(std::string_view(argv[i]), argv[i + 1])) {
      std::fprintf(stderr, "bad flag or value: %s %s\n", argv[i], argv[i + 1]);
      return false;
    }
  }
  return true;
}

// The options `parse(argc, argv)` makes of the command line. With --help alone, the
// usage on stdout and exit status 0; when `parse` refuses them, the usage on stderr
// and exit status 2 (the program has nothing to clean up yet).
template <typename Parse>
auto options_or_usage(int argc, char** argv, Parse&& parse, const char* usage) {
  bool help = argc == 2 && std::string_view(argv[1]) == "--help";
  auto options = help ? decltype(parse(argc, argv))() : parse(argc, argv);
  if (!options) {
    std::fprintf(help ? stdout : stderr, "usage: %s\n", usage);
    std::exit(help ? 0 : 2);
  }
  return std::move(*options);
}

}  // namespace chorus::bench
