// UUIDs (model/uuid). Properties: an accepted text is the canonical form in either case
// (formatting gives it back in lower case) and parse(format(x)) == x; any 16 bytes format
// to text that parses back to them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/uuid.hpp"
#include "property.hpp"

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::fuzz::expect;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = chorus::Uuid::parse(text)) {
    std::string formatted = id->to_string();
    std::string lowered(text);
    for (char& c : lowered) c = lower(c);
    expect(formatted == lowered, "an accepted UUID formats back to its text, in lower case", text);
    expect(chorus::Uuid::parse(formatted) == id, "parse(format(id)) == id", formatted);
  }
  if (size >= 16) {
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), data, 16);
    chorus::Uuid id(bytes);
    std::string formatted = id.to_string();
    expect(formatted.size() == chorus::Uuid::text_size, "a UUID formats to 36 characters");
    expect(chorus::Uuid::parse(formatted) == id, "parse(format(id)) == id", formatted);
    expect(id.is_zero() == (bytes == std::array<std::uint8_t, 16>{}), "only zeros are zero");
  }
  return 0;
}
