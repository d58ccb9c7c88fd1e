// Timestamps (model/timestamp). Properties: an accepted text is canonical
// (format(parse(t)) == t); any instant formats to text that parses back to it, clamped
// to the four-digit years; formatting keeps order (for instants within those years, the
// later one never formats to the smaller text).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/timestamp.hpp"
#include "property.hpp"

namespace {

using chorus::Timestamp;
using chorus::fuzz::expect;

// 0000-01-01 00:00:00 and the last microsecond of 9999, in microseconds since the epoch.
constexpr std::int64_t first_micros = -62167219200LL * 1000000LL;
constexpr std::int64_t last_micros = 253402300800LL * 1000000LL - 1;

std::int64_t clamped(std::int64_t micros) {
  return micros < first_micros ? first_micros : micros > last_micros ? last_micros : micros;
}

void check_instant(std::int64_t micros) {
  std::string text = Timestamp::from_micros(micros).to_string();
  auto parsed = Timestamp::parse(text);
  expect(parsed.has_value(), "a formatted instant parses", text);
  expect(parsed->micros() == clamped(micros), "parse(format(t)) == t, clamped", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto t = Timestamp::parse(text)) {
    expect(t->to_string() == text, "format(parse(text)) == text", text);
  }
  if (size >= 16) {
    std::int64_t a, b;
    std::memcpy(&a, data, 8);
    std::memcpy(&b, data + 8, 8);
    // Small values too, not only the extremes random bytes mostly give.
    if (data[0] & 1) a >>= 16, b >>= 16;
    check_instant(a);
    check_instant(b);
    if (a < b) {
      expect(Timestamp::from_micros(a).to_string() <= Timestamp::from_micros(b).to_string(),
             "formatting keeps order");
    }
  }
  return 0;
}
