#pragma once
// Timestamps as VoIPbin prints them: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, with
// "9999-01-01 00:00:00.000000" meaning "not yet". Held as microseconds since the
// Unix epoch and formatted only when serialised.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chorus {

class Timestamp {
 public:
  static constexpr std::size_t text_size = 26;

  // Default: "not yet".
  constexpr Timestamp() = default;
  static constexpr Timestamp from_micros(std::int64_t micros) { return Timestamp(micros); }
  static Timestamp from(std::chrono::system_clock::time_point t);
  static constexpr Timestamp not_yet() { return Timestamp(); }
  static std::optional<Timestamp> parse(std::string_view text);

  constexpr bool is_set() const noexcept { return micros_ != not_yet_micros; }
  constexpr std::int64_t micros() const noexcept { return micros_; }
  std::string to_string() const;
  // Writes exactly text_size characters to `out` (no terminator).
  void write(char* out) const noexcept;

  friend constexpr bool operator==(Timestamp a, Timestamp b) { return a.micros_ == b.micros_; }
  friend constexpr bool operator!=(Timestamp a, Timestamp b) { return a.micros_ != b.micros_; }
  friend constexpr bool operator<(Timestamp a, Timestamp b) { return a.micros_ < b.micros_; }

  template <class Inspector>
  friend auto inspect(Inspector& f, Timestamp& x) {
    return f(x.micros_);
  }

 private:
  // Microseconds from 1970-01-01 to 9999-01-01 00:00:00 UTC.
  static constexpr std::int64_t not_yet_micros = 253370764800LL * 1000000LL;
  explicit constexpr Timestamp(std::int64_t micros) : micros_(micros) {}
  std::int64_t micros_ = not_yet_micros;
};

}  // namespace chorus
