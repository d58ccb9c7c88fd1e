#include "model/uuid.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <unordered_set>
#include <vector>

namespace chorus {
namespace {

constexpr std::string_view sample = "d8596b14-4d8e-4a86-afde-642b46d59ac7";

TEST(Uuid, DefaultIsZero) {
  const Uuid zero;
  EXPECT_TRUE(zero.is_zero());
  EXPECT_EQ(zero.to_string(), "00000000-0000-0000-0000-000000000000");
}

TEST(Uuid, ParsesAndPrintsCanonicalForm) {
  const std::optional<Uuid> id = Uuid::parse(sample);
  ASSERT_TRUE(id);
  EXPECT_FALSE(id->is_zero());
  EXPECT_EQ(id->to_string(), sample);
  EXPECT_EQ(id->bytes()[0], 0xd8);
  EXPECT_EQ(id->bytes()[15], 0xc7);
}

TEST(Uuid, ParsesUpperAndMixedCaseAndPrintsLowerCase) {
  const std::optional<Uuid> upper = Uuid::parse("D8596B14-4D8E-4A86-AFDE-642B46D59AC7");
  const std::optional<Uuid> mixed = Uuid::parse("d8596B14-4d8E-4a86-AfDe-642b46D59ac7");
  ASSERT_TRUE(upper);
  ASSERT_TRUE(mixed);
  EXPECT_EQ(*upper, *Uuid::parse(sample));
  EXPECT_EQ(*mixed, *upper);
  EXPECT_EQ(upper->to_string(), sample);
}

TEST(Uuid, WriteEmitsExactlyTextSizeCharacters) {
  char buffer[Uuid::text_size + 1];
  buffer[Uuid::text_size] = '#';
  Uuid::parse(sample)->write(buffer);
  EXPECT_EQ(std::string_view(buffer, Uuid::text_size), sample);
  EXPECT_EQ(buffer[Uuid::text_size], '#');
}

TEST(Uuid, RefusesAnythingElse) {
  const std::string_view bad[] = {
      "",
      "d8596b14-4d8e-4a86-afde-642b46d59ac",     // short
      "d8596b14-4d8e-4a86-afde-642b46d59ac77",   // long
      "d8596b144d8e4a86afde642b46d59ac7",        // no dashes
      "d8596b14-4d8e-4a86-afde_642b46d59ac7",    // wrong separator
      "d8596b1-44d8e-4a86-afde-642b46d59ac7",    // dash misplaced
      "g8596b14-4d8e-4a86-afde-642b46d59ac7",    // non-hex
      "d8596b14-4d8e-4a86-afde-642b46d59ac ",    // trailing space
      " d8596b14-4d8e-4a86-afde-642b46d59ac7",   // leading space
      "{d8596b14-4d8e-4a86-afde-642b46d59ac7}",  // braces
      "d8596b14-4d8e-4a86-afde-642b46d5-ac7",    // dash in a hex group
  };
  for (std::string_view text : bad) EXPECT_FALSE(Uuid::parse(text)) << '"' << text << '"';
}

TEST(Uuid, GeneratedIdsAreVersion4Variant1AndRoundTrip) {
  for (int i = 0; i < 1000; ++i) {
    const Uuid id = Uuid::generate();
    EXPECT_EQ(id.bytes()[6] >> 4, 4);
    EXPECT_EQ(id.bytes()[8] >> 6, 2);
    const std::string text = id.to_string();
    EXPECT_EQ(text[14], '4');
    EXPECT_NE(std::string_view("89ab").find(text[19]), std::string_view::npos);
    EXPECT_EQ(Uuid::parse(text), id);
  }
}

TEST(Uuid, GeneratesNoDuplicatesOver100k) {
  std::unordered_set<Uuid> seen;
  seen.reserve(100000);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(seen.insert(Uuid::generate()).second);
}

TEST(Uuid, ThreadsGenerateDistinctSequences) {
  // Each thread seeds its own engine; identical seeds would repeat ids across threads.
  std::vector<Uuid> a(1000), b(1000);
  std::thread ta([&] {
    for (Uuid& id : a) id = Uuid::generate();
  });
  std::thread tb([&] {
    for (Uuid& id : b) id = Uuid::generate();
  });
  ta.join();
  tb.join();
  std::unordered_set<Uuid> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 2000u);
}

TEST(Uuid, HashAgreesWithEqualityAndSpreads) {
  const Uuid id = *Uuid::parse(sample);
  EXPECT_EQ(id.hash(), Uuid::parse(sample)->hash());
  EXPECT_EQ(std::hash<Uuid>{}(id), id.hash());
  std::unordered_set<std::size_t> hashes;
  for (int i = 0; i < 1000; ++i) hashes.insert(Uuid::generate().hash());
  EXPECT_GT(hashes.size(), 990u);
}

TEST(Uuid, OrdersByBytes) {
  const Uuid low = *Uuid::parse("00000000-0000-0000-0000-000000000001");
  const Uuid high = *Uuid::parse("10000000-0000-0000-0000-000000000000");
  EXPECT_LT(low, high);
  EXPECT_FALSE(high < low);
  EXPECT_NE(low, high);
}

// The word-wise compares must agree with the bytes' lexicographic order and
// equality in every byte position, both halves included.
TEST(Uuid, WordCompareAgreesWithByteOrderEverywhere) {
  for (std::size_t position = 0; position < 16; ++position) {
    std::array<std::uint8_t, 16> a{}, b{};
    a[position] = 0x01;
    b[position] = 0x80;
    if (position + 1 < 16) a[position + 1] = 0xff;  // a later byte must not win
    EXPECT_LT(Uuid(a), Uuid(b)) << position;
    EXPECT_FALSE(Uuid(b) < Uuid(a)) << position;
    EXPECT_NE(Uuid(a), Uuid(b)) << position;
    EXPECT_FALSE(Uuid(a).is_zero()) << position;
  }
  for (int i = 0; i < 1000; ++i) {
    auto x = Uuid::generate(), y = Uuid::generate();
    auto bytes_less = std::memcmp(x.bytes().data(), y.bytes().data(), 16) < 0;
    EXPECT_EQ(x < y, bytes_less);
  }
}

}  // namespace
}  // namespace chorus
