#include "model/timestamp.hpp"

#include <gtest/gtest.h>

#include <random>

namespace chorus {
namespace {

constexpr std::int64_t day = 86400LL * 1000000LL;

// A deliberately naive day count, to check the closed-form algorithm against.
std::int64_t naive_days_from_civil(int year, int month, int mday) {
  auto leap = [](int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t days = 0;
  for (int y = 1970; y < year; ++y) days += leap(y) ? 366 : 365;
  for (int y = year; y < 1970; ++y) days -= leap(y) ? 366 : 365;
  for (int m = 1; m < month; ++m) days += month_days[m - 1] + (m == 2 && leap(year));
  return days + mday - 1;
}

TEST(Timestamp, DefaultIsNotYet) {
  const Timestamp t;
  EXPECT_FALSE(t.is_set());
  EXPECT_EQ(t, Timestamp::not_yet());
  EXPECT_EQ(t.to_string(), "9999-01-01 00:00:00.000000");
  EXPECT_EQ(Timestamp::parse("9999-01-01 00:00:00.000000"), Timestamp::not_yet());
  EXPECT_EQ(t.micros(), naive_days_from_civil(9999, 1, 1) * day);
}

TEST(Timestamp, Epoch) {
  const Timestamp epoch = Timestamp::from_micros(0);
  EXPECT_TRUE(epoch.is_set());
  EXPECT_EQ(epoch.to_string(), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(Timestamp::parse("1970-01-01 00:00:00.000000"), epoch);
  EXPECT_EQ(Timestamp::from_micros(-1).to_string(), "1969-12-31 23:59:59.999999");
}

TEST(Timestamp, ReferenceExample) {
  const std::optional<Timestamp> t = Timestamp::parse("2023-04-21 15:33:28.569053");
  ASSERT_TRUE(t);
  EXPECT_EQ(
      t->micros(),
      (naive_days_from_civil(2023, 4, 21) * 86400 + 15 * 3600 + 33 * 60 + 28) * 1000000LL + 569053);
  EXPECT_EQ(t->to_string(), "2023-04-21 15:33:28.569053");
}

TEST(Timestamp, FromTimePoint) {
  using namespace std::chrono;
  const system_clock::time_point t{microseconds(1682091208569053LL)};
  EXPECT_EQ(Timestamp::from(t).to_string(), "2023-04-21 15:33:28.569053");
  // Sub-microsecond parts are dropped toward the past, also before the epoch.
  EXPECT_EQ(Timestamp::from(system_clock::time_point{} - nanoseconds(1000)).micros(), -1);
  EXPECT_EQ(Timestamp::from(t + nanoseconds(999)), Timestamp::from(t));
}

TEST(Timestamp, LeapYears) {
  EXPECT_EQ(Timestamp::parse("2000-02-29 12:00:00.000000")->to_string(),
            "2000-02-29 12:00:00.000000");  // divisible by 400
  EXPECT_EQ(Timestamp::parse("2024-02-29 00:00:00.000000")->to_string(),
            "2024-02-29 00:00:00.000000");
  EXPECT_FALSE(Timestamp::parse("1900-02-29 00:00:00.000000"));  // divisible by 100
  EXPECT_FALSE(Timestamp::parse("2023-02-29 00:00:00.000000"));
  EXPECT_EQ(Timestamp::from_micros(naive_days_from_civil(2000, 3, 1) * day - 1).to_string(),
            "2000-02-29 23:59:59.999999");
  EXPECT_EQ(Timestamp::from_micros(naive_days_from_civil(2100, 3, 1) * day - 1).to_string(),
            "2100-02-28 23:59:59.999999");
}

TEST(Timestamp, AgreesWithNaiveCalendarOnEveryMonthStart) {
  for (int year : {1600, 1899, 1900, 1969, 1970, 1999, 2000, 2001, 2024, 2100, 2400, 9998}) {
    for (int month = 1; month <= 12; ++month) {
      char text[] = "YYYY-MM-01 00:00:00.000000";
      std::snprintf(text, sizeof text, "%04d-%02d-01 00:00:00.000000", year, month);
      const std::optional<Timestamp> t = Timestamp::parse(text);
      ASSERT_TRUE(t) << text;
      EXPECT_EQ(t->micros(), naive_days_from_civil(year, month, 1) * day) << text;
      EXPECT_EQ(t->to_string(), text);
    }
  }
}

TEST(Timestamp, RandomValuesRoundTrip) {
  std::mt19937_64 engine(12345);
  const std::int64_t low = naive_days_from_civil(1, 1, 1) * day;
  const std::int64_t high = naive_days_from_civil(9999, 12, 31) * day + day - 1;
  std::uniform_int_distribution<std::int64_t> pick(low, high);
  for (int i = 0; i < 100000; ++i) {
    const Timestamp t = Timestamp::from_micros(pick(engine));
    const std::string text = t.to_string();
    ASSERT_EQ(text.size(), Timestamp::text_size);
    const std::optional<Timestamp> back = Timestamp::parse(text);
    ASSERT_TRUE(back) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

TEST(Timestamp, WriteEmitsExactlyTextSizeCharacters) {
  char buffer[Timestamp::text_size + 1];
  buffer[Timestamp::text_size] = '#';
  Timestamp::from_micros(0).write(buffer);
  EXPECT_EQ(std::string_view(buffer, Timestamp::text_size), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(buffer[Timestamp::text_size], '#');
}

TEST(Timestamp, ExtremesOfTheFourDigitYear) {
  EXPECT_EQ(Timestamp::parse("9999-12-31 23:59:59.999999")->to_string(),
            "9999-12-31 23:59:59.999999");
  EXPECT_EQ(Timestamp::parse("0000-01-01 00:00:00.000000")->to_string(),
            "0000-01-01 00:00:00.000000");
  // Values that four year digits cannot hold are clamped, never written as garbage.
  EXPECT_EQ(Timestamp::from_micros(INT64_MAX).to_string(), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(Timestamp::from_micros(INT64_MIN).to_string(), "0000-01-01 00:00:00.000000");
}

TEST(Timestamp, Ordering) {
  EXPECT_LT(Timestamp::from_micros(1), Timestamp::from_micros(2));
  EXPECT_LT(Timestamp::from_micros(0), Timestamp::not_yet());
  EXPECT_NE(Timestamp::from_micros(1), Timestamp::from_micros(2));
}

TEST(Timestamp, RefusesAnythingElse) {
  const std::string_view bad[] = {
      "",
      "2023-04-21 15:33:28",          // no fraction
      "2023-04-21 15:33:28.56905",    // short fraction
      "2023-04-21 15:33:28.5690531",  // long fraction
      "2023-04-21T15:33:28.569053",   // ISO 'T'
      "2023/04/21 15:33:28.569053",   // slashes
      "2023-04-21 15-33-28.569053",   // dashes in the time
      "2023-04-21 15:33:28,569053",   // comma
      "2023-4-21 15:33:28.5690530",   // unpadded month, same length
      "2023-04-21 15:33:28.56905a",   // letter
      "+023-04-21 15:33:28.569053",   // sign
      " 2023-04-21 15:33:28.56905",   // leading space
      "2023-00-21 15:33:28.569053",   // month 0
      "2023-13-21 15:33:28.569053",   // month 13
      "2023-04-00 15:33:28.569053",   // day 0
      "2023-04-31 15:33:28.569053",   // April has 30 days
      "2023-01-32 15:33:28.569053",   // day 32
      "2023-04-21 24:00:00.000000",   // hour 24
      "2023-04-21 23:60:00.000000",   // minute 60
      "2023-04-21 23:59:60.000000",   // no leap seconds
      "2023-04-21 15:33:28.569053Z",  // suffix
  };
  for (std::string_view text : bad) EXPECT_FALSE(Timestamp::parse(text)) << '"' << text << '"';
}

}  // namespace
}  // namespace chorus
