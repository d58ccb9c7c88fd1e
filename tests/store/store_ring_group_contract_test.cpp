// Extension groups, ring groups and missed calls on every backend: every field
// round trips (after a restart too), an update replaces the row, deleted groups
// stay out of the load but keep their ids taken, missed calls list newest first by
// extension, and retention purges missed calls but never configuration.

#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace chorus::store_test {
namespace {

class RingGroupContract : public StoreContract {
 protected:
  std::vector<MissedCall> missed(const Uuid& customer, const Uuid& extension, std::size_t limit,
                                 std::optional<Timestamp> before = std::nullopt) {
    Result<std::vector<MissedCall>> listed =
        store().missed_calls(customer, extension, limit, before);
    EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
    return listed.ok() ? std::move(*listed) : std::vector<MissedCall>();
  }

  const Uuid customer_ = Uuid::generate();
};

TEST_P(RingGroupContract, EveryFieldRoundTripsThroughALoadAlsoAfterARestart) {
  const RingGroup group = full_ring_group(customer_, 8028, at(0));
  const ExtensionGroup team = full_extension_group(customer_, at(10));
  ASSERT_TRUE(store().write({row(group), row(team)}));

  auto expect_both_back = [&] {
    const StoredState state = load();
    ASSERT_EQ(state.ring_groups.size(), 1u);
    EXPECT_EQ(state.ring_groups.front(), group);
    ASSERT_TRUE(state.ring_groups.front().member_list[1].sub_option.has_value());
    EXPECT_EQ(state.ring_groups.front().member_list[1].sub_option->size(), 2u);
    ASSERT_TRUE(state.ring_groups.front().member_list[0].sub_option.has_value());
    EXPECT_TRUE(state.ring_groups.front().member_list[0].sub_option->empty());
    EXPECT_FALSE(state.ring_groups.front().member_list[2].sub_option.has_value());
    ASSERT_EQ(state.extension_groups.size(), 1u);
    EXPECT_EQ(state.extension_groups.front(), team);
    EXPECT_EQ(state.highest_ring_group_id, 8028);
  };
  expect_both_back();
  ASSERT_TRUE(reopen());
  expect_both_back();
}

TEST_P(RingGroupContract, AnUpdateReplacesTheRowKeyedByTheGroupsId) {
  RingGroup group = full_ring_group(customer_, 7, at(0));
  ASSERT_TRUE(store().write({row(group)}));
  group.name = "renamed";
  group.member_list.pop_back();
  ASSERT_TRUE(store().write({row(group)}));
  EXPECT_EQ(rows_in("ring_groups"), "1");
  EXPECT_EQ(one("SELECT id FROM ring_groups"), "7");
  const StoredState state = load();
  ASSERT_EQ(state.ring_groups.size(), 1u);
  EXPECT_EQ(state.ring_groups.front(), group);
}

TEST_P(RingGroupContract, DeletedGroupsStayOutOfTheLoadButKeepTheirIdsTaken) {
  const RingGroup kept = full_ring_group(customer_, 3, at(0));
  RingGroup deleted = full_ring_group(customer_, 9, at(1));
  deleted.number = "6307";
  deleted.tm_delete = at(2);
  ExtensionGroup gone = full_extension_group(customer_, at(3));
  gone.tm_delete = at(4);
  ASSERT_TRUE(store().write({row(kept), row(deleted), row(gone)}));

  auto expect_only_the_kept_one = [&] {
    const StoredState state = load();
    ASSERT_EQ(state.ring_groups.size(), 1u);
    EXPECT_EQ(state.ring_groups.front().id, 3);
    EXPECT_TRUE(state.extension_groups.empty());
    EXPECT_EQ(state.highest_ring_group_id, 9);
  };
  expect_only_the_kept_one();
  ASSERT_TRUE(reopen());  // what a restart hands out next: never 9 again
  expect_only_the_kept_one();
}

TEST_P(RingGroupContract, LoadListsRingGroupsByTheirIds) {
  std::vector<StoreRow> rows;
  for (std::int32_t id : {40, 2, 17, 1, 300})
    rows.push_back(row(full_ring_group(customer_, id, at(id))));
  ASSERT_TRUE(store().write(rows));
  std::vector<std::int32_t> ids;
  for (const RingGroup& g : load().ring_groups) ids.push_back(g.id);
  EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 2, 17, 40, 300}));
}

TEST_P(RingGroupContract, AnEmptyStoreHasNoRingGroupIdTaken) {
  EXPECT_EQ(load().highest_ring_group_id, 0);
}

TEST_P(RingGroupContract, MissedCallsListNewestFirstPerExtensionWithLimitAndBefore) {
  const Uuid extension = Uuid::generate();
  std::vector<StoreRow> rows;
  std::vector<MissedCall> calls;
  for (int i = 0; i < 5; ++i) {
    calls.push_back(full_missed_call(customer_, extension, at(i * 100)));
    rows.push_back(row(calls.back()));
  }
  const MissedCall other_extension = full_missed_call(customer_, Uuid::generate(), at(250));
  const MissedCall other_customer = full_missed_call(Uuid::generate(), extension, at(260));
  rows.push_back(row(other_extension));
  rows.push_back(row(other_customer));
  // Written out of order: the list orders by tm_create, not by insertion.
  std::swap(rows[0], rows[3]);
  ASSERT_TRUE(store().write(rows));

  const std::vector<MissedCall> all = missed(customer_, extension, 10);
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], calls[4 - i]) << i;

  const std::vector<MissedCall> first_two = missed(customer_, extension, 2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[0].id, calls[4].id);
  EXPECT_EQ(first_two[1].id, calls[3].id);

  const std::vector<MissedCall> page = missed(customer_, extension, 2, calls[3].tm_create);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, calls[2].id);
  EXPECT_EQ(page[1].id, calls[1].id);

  EXPECT_TRUE(missed(customer_, extension, 0).empty());
  EXPECT_TRUE(missed(customer_, extension, 10, calls[0].tm_create).empty());
  // Another customer's row under the same extension id stays out, and the other way.
  const std::vector<MissedCall> theirs = missed(other_customer.customer_id, extension, 10);
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs.front(), other_customer);
}

TEST_P(RingGroupContract, RetentionPurgesMissedCallsCreatedBeforeTheCutoff) {
  const Uuid extension = Uuid::generate();
  ASSERT_TRUE(store().write({row(full_missed_call(customer_, extension, at(0))),
                             row(full_missed_call(customer_, extension, at(100))),
                             row(full_ring_group(customer_, 1, at(0))),
                             row(full_extension_group(customer_, at(0)))}));
  Result<std::size_t> purged = store().purge(at(50), 10);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 1u);
  EXPECT_EQ(missed(customer_, extension, 10).size(), 1u);
  purged = store().purge(at(1'000'000'000), 10);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 1u);
  const StoredState state = load();  // configuration is never purged
  EXPECT_EQ(state.ring_groups.size(), 1u);
  EXPECT_EQ(state.extension_groups.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(, RingGroupContract, every_backend(), backend_name);

}  // namespace
}  // namespace chorus::store_test
