#include "model/uuid.hpp"

#include <cstring>
#include <random>

namespace chorus {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Offsets of the dashes in the 8-4-4-4-12 form.
constexpr bool is_dash_position(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

// The value of a hex digit of either case, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One engine per thread: no locking, and each is seeded from the OS once, which is
// enough for ids that must not collide but need not be unpredictable to attackers.
std::mt19937_64& thread_engine() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine;
}

}  // namespace

Uuid Uuid::generate() {
  std::mt19937_64& engine = thread_engine();
  const std::uint64_t halves[2] = {engine(), engine()};
  std::array<std::uint8_t, 16> bytes;
  std::memcpy(bytes.data(), halves, sizeof halves);
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return Uuid(bytes);
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != text_size) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text_size;) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[byte++] = static_cast<std::uint8_t>(high << 4 | low);
    i += 2;
  }
  return Uuid(bytes);
}

std::string Uuid::to_string() const {
  std::string text(text_size, '\0');
  write(text.data());
  return text;
}

void Uuid::write(char* out) const noexcept {
  std::size_t pos = 0;
  for (std::size_t byte = 0; byte < bytes_.size(); ++byte) {
    if (is_dash_position(pos)) out[pos++] = '-';
    out[pos++] = hex_digits[bytes_[byte] >> 4];
    out[pos++] = hex_digits[bytes_[byte] & 0x0f];
  }
}

}  // namespace chorus
