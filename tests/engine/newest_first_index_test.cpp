// The per-customer listing index against a std::set of the same keys: random
// inserts (mostly newest, some out of order) and erases, then pages newest first
// with and without `before`, across chunk splits.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "actors/newest_first_index.hpp"

namespace chorus {
namespace {

using Key = NewestFirstIndex::Key;

Uuid uuid_of(std::uint32_t n) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 4; ++i) bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return Uuid(bytes);
}

std::vector<Key> page(const NewestFirstIndex& index, std::size_t limit, const Timestamp* before) {
  std::vector<Key> keys;
  index.newest(limit, before, [&](const Key& k) { keys.push_back(k); });
  return keys;
}

std::vector<Key> expected_page(const std::set<Key>& all, std::size_t limit,
                               const Timestamp* before) {
  std::vector<Key> keys;
  for (auto i = all.rbegin(); i != all.rend() && keys.size() < limit; ++i) {
    if (before && !(i->first < *before)) continue;
    keys.push_back(*i);
  }
  return keys;
}

TEST(NewestFirstIndex, PagesNewestFirstAsASortedSetWouldThroughInsertsAndErases) {
  NewestFirstIndex index;
  std::set<Key> all;
  std::mt19937 rng(7);
  std::int64_t clock = 1000;
  std::uint32_t next_id = 1;
  for (int round = 0; round < 20000; ++round) {
    auto dice = rng() % 10;
    if (dice < 7 || all.empty()) {
      // Mostly the newest; sometimes a little older (created on another thread).
      clock += 1 + static_cast<std::int64_t>(rng() % 3);
      auto at = dice == 0 ? clock - static_cast<std::int64_t>(rng() % 500) : clock;
      Key key{Timestamp::from_micros(at), uuid_of(next_id++)};
      index.insert(key);
      all.insert(key);
    } else {
      auto i = all.begin();
      std::advance(i, static_cast<long>(rng() % all.size()));
      index.erase(*i);
      all.erase(i);
    }
    if (round % 997 == 0) {
      EXPECT_EQ(page(index, 300, nullptr), expected_page(all, 300, nullptr)) << round;
      auto before = Timestamp::from_micros(clock - static_cast<std::int64_t>(rng() % 3000));
      EXPECT_EQ(page(index, 50, &before), expected_page(all, 50, &before)) << round;
    }
  }
  EXPECT_EQ(page(index, all.size() + 1, nullptr), expected_page(all, all.size() + 1, nullptr));
  index.erase(Key{Timestamp::from_micros(1), uuid_of(0)});  // absent: nothing changes
  for (auto& key : all) index.erase(key);
  EXPECT_TRUE(index.empty());
  EXPECT_TRUE(page(index, 10, nullptr).empty());
}

TEST(NewestFirstIndex, BeforeExcludesTheSameMicrosecondAndOlderPagesContinue) {
  NewestFirstIndex index;
  for (std::uint32_t i = 0; i < 300; ++i) {
    index.insert(Key{Timestamp::from_micros(100 + i / 2), uuid_of(i)});
  }
  auto before = Timestamp::from_micros(200);
  auto keys = page(index, 5, &before);
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys[0].first.micros(), 199);
  EXPECT_EQ(keys[0].second, uuid_of(199));
  EXPECT_EQ(keys[1].second, uuid_of(198));
  EXPECT_EQ(keys[4].first.micros(), 197);
  auto none = Timestamp::from_micros(100);
  EXPECT_TRUE(page(index, 5, &none).empty());
}

}  // namespace
}  // namespace chorus
