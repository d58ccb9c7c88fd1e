#pragma once
// Resource ids: RFC 4122 UUIDs held as 16 bytes, printed in the canonical
// 8-4-4-4-12 lower-case form. The zero UUID means "none yet".

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace chorus {

class Uuid {
 public:
  static constexpr std::size_t text_size = 36;

  constexpr Uuid() = default;
  explicit constexpr Uuid(std::array<std::uint8_t, 16> bytes) : bytes_(bytes) {}

  // A random (version 4) UUID from a generator seeded once per thread.
  static Uuid generate();
  // Parses the canonical form (either case); nullopt on anything else.
  static std::optional<Uuid> parse(std::string_view text);

  bool is_zero() const noexcept { return (word(0) | word(1)) == 0; }
  std::string to_string() const;
  // Writes exactly text_size characters to `out` (no terminator).
  void write(char* out) const noexcept;
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  // Generated ids are uniformly random, so folding the halves is enough; the
  // rotation keeps ids whose halves are equal from all hashing to zero.
  std::size_t hash() const noexcept {
    auto high = word(1);
    return static_cast<std::size_t>(word(0) ^ (high << 29 | high >> 35));
  }

  // Ids are hashed and compared on every registry, index and timer lookup: two
  // word compares inline instead of a call to memcmp. Order stays the bytes'
  // lexicographic order, as the big-endian reading of each half keeps it.
  friend bool operator==(const Uuid& a, const Uuid& b) {
    return a.word(0) == b.word(0) && a.word(1) == b.word(1);
  }
  friend bool operator!=(const Uuid& a, const Uuid& b) { return !(a == b); }
  friend bool operator<(const Uuid& a, const Uuid& b) {
    auto a0 = a.big_endian_word(0), b0 = b.big_endian_word(0);
    return a0 != b0 ? a0 < b0 : a.big_endian_word(1) < b.big_endian_word(1);
  }

  // CAF and other serialisers see the raw bytes.
  template <class Inspector>
  friend auto inspect(Inspector& f, Uuid& x) {
    return f(x.bytes_);
  }

 private:
  std::uint64_t word(std::size_t half) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * half, sizeof w);
    return w;
  }
  std::uint64_t big_endian_word(std::size_t half) const noexcept {
    auto w = word(half);
    if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) w = __builtin_bswap64(w);
    return w;
  }

  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace chorus

template <>
struct std::hash<chorus::Uuid> {
  std::size_t operator()(const chorus::Uuid& id) const noexcept { return id.hash(); }
};
