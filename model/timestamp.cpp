#include "model/timestamp.hpp"

#include <algorithm>

namespace chorus {
namespace {

constexpr std::int64_t micros_per_second = 1000000;
constexpr std::int64_t micros_per_day = 86400 * micros_per_second;

struct CivilDate {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Floor division: the day of an instant before the epoch is the earlier one.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days since 1970-01-01 of a proleptic Gregorian date. The year is shifted to start in
// March so the leap day is the last day of its year, and split into 400-year eras,
// each exactly 146097 days long.
constexpr std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t year_of_era = y - era * 400;                            // 0..399
  const int shifted_month = month > 2 ? month - 3 : month + 9;               // March = 0
  const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;  // 0..365
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // 0..146096
  return era * 146097 + day_of_era - 719468;  // 719468: 0000-03-01 to 1970-01-01
}

// The inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = floor_div(shifted, 146097);
  const std::int64_t day_of_era = shifted - era * 146097;  // 0..146096
  // Remove the leap days the era has had so far before dividing by 365.
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int shifted_month = static_cast<int>((5 * day_of_year + 2) / 153);
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2);
  return CivilDate{year, month, day};
}

constexpr bool is_leap(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int days_in_month(std::int64_t year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// The four-digit year field bounds what can be written and read.
constexpr std::int64_t min_micros = days_from_civil(0, 1, 1) * micros_per_day;
constexpr std::int64_t max_micros = days_from_civil(10000, 1, 1) * micros_per_day - 1;

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(9999, 1, 1) * micros_per_day == Timestamp::not_yet().micros());

// Writes `value` as exactly `width` decimal digits, most significant first.
inline void put_digits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Reads exactly `width` decimal digits; -1 if any is not a digit.
constexpr std::int64_t get_digits(std::string_view text, std::size_t pos, int width) {
  std::int64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

constexpr bool separators_ok(std::string_view text) {
  return text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' &&
         text[16] == ':' && text[19] == '.';
}

}  // namespace

Timestamp Timestamp::from(std::chrono::system_clock::time_point t) {
  // floor, not duration_cast, so instants before the epoch round toward the past.
  const auto micros = std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch());
  return from_micros(micros.count());
}

std::optional<Timestamp> Timestamp::parse(std::string_view text) {
  if (text.size() != text_size || !separators_ok(text)) return std::nullopt;
  const std::int64_t year = get_digits(text, 0, 4);
  const std::int64_t month = get_digits(text, 5, 2);
  const std::int64_t day = get_digits(text, 8, 2);
  const std::int64_t hour = get_digits(text, 11, 2);
  const std::int64_t minute = get_digits(text, 14, 2);
  const std::int64_t second = get_digits(text, 17, 2);
  const std::int64_t fraction = get_digits(text, 20, 6);
  if (year < 0 || fraction < 0 || month < 1 || month > 12 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  const int month_number = static_cast<int>(month);
  if (day < 1 || day > days_in_month(year, month_number)) return std::nullopt;
  const std::int64_t days = days_from_civil(year, month_number, static_cast<int>(day));
  const std::int64_t seconds = (hour * 60 + minute) * 60 + second;
  return from_micros(days * micros_per_day + seconds * micros_per_second + fraction);
}

std::string Timestamp::to_string() const {
  std::string text(text_size, '\0');
  write(text.data());
  return text;
}

void Timestamp::write(char* out) const noexcept {
  // Out-of-range values cannot be written in four year digits; clamp rather than
  // emit text that parse() would refuse.
  const std::int64_t micros = std::clamp(micros_, min_micros, max_micros);
  const std::int64_t days = floor_div(micros, micros_per_day);
  const std::int64_t in_day = micros - days * micros_per_day;
  const CivilDate date = civil_from_days(days);
  const std::int64_t seconds = in_day / micros_per_second;
  put_digits(out, date.year, 4);
  out[4] = '-';
  put_digits(out + 5, date.month, 2);
  out[7] = '-';
  put_digits(out + 8, date.day, 2);
  out[10] = ' ';
  put_digits(out + 11, seconds / 3600, 2);
  out[13] = ':';
  put_digits(out + 14, seconds / 60 % 60, 2);
  out[16] = ':';
  put_digits(out + 17, seconds % 60, 2);
  out[19] = '.';
  put_digits(out + 20, in_day % micros_per_second, 6);
}

}  // namespace chorus
