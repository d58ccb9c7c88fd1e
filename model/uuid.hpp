#pragma once
// Resource ids: RFC 4122 UUIDs held as 16 bytes, printed in the canonical
// 8-4-4-4-12 lower-case form. The zero UUID means "none yet".

#include <array>
#include <cstdint>
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

  bool is_zero() const noexcept;
  std::string to_string() const;
  // Writes exactly text_size characters to `out` (no terminator).
  void write(char* out) const noexcept;
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  std::size_t hash() const noexcept;

  friend bool operator==(const Uuid& a, const Uuid& b) { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const Uuid& a, const Uuid& b) { return a.bytes_ != b.bytes_; }
  friend bool operator<(const Uuid& a, const Uuid& b) { return a.bytes_ < b.bytes_; }

  // CAF and other serialisers see the raw bytes.
  template <class Inspector>
  friend auto inspect(Inspector& f, Uuid& x) {
    return f(x.bytes_);
  }

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace chorus

template <>
struct std::hash<chorus::Uuid> {
  std::size_t operator()(const chorus::Uuid& id) const noexcept { return id.hash(); }
};
