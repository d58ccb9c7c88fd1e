// Instant group calls on every backend: every field round trips (with and without
// a department, after a restart too), an update replaces the row keyed by Chorus's
// id even when the serviceUserId changes, a deleted service stays out of the load
// and is never purged, and a damaged body is refused by name.

#include <gtest/gtest.h>

#include <algorithm>

#include "store_contract.hpp"

namespace chorus::store_test {
namespace {

class InstantGroupCallContract : public StoreContract {
 protected:
  const Uuid customer_ = Uuid::generate();
};

TEST_P(InstantGroupCallContract, EveryFieldRoundTripsThroughALoadAlsoAfterARestart) {
  const InstantGroupCall full = full_instant_group_call(customer_, "igc1@example.com", at(0));
  InstantGroupCall plain;  // defaults: no department, active, empty texts and lists
  plain.id = Uuid::generate();
  plain.customer_id = customer_;
  plain.service_user_id = "igc2@example.com";
  plain.tm_create = at(10);
  ASSERT_TRUE(store().write({row(full), row(plain)}));

  auto expect_both_back = [&] {
    StoredState state = load();
    ASSERT_EQ(state.instant_group_calls.size(), 2u);
    std::sort(state.instant_group_calls.begin(), state.instant_group_calls.end(),
              [](const auto& a, const auto& b) { return a.service_user_id < b.service_user_id; });
    EXPECT_EQ(state.instant_group_calls[0], full);
    ASSERT_TRUE(state.instant_group_calls[0].department.has_value());
    EXPECT_EQ(state.instant_group_calls[0].department->full_path_name, "Sales\nWest (x)");
    EXPECT_EQ(state.instant_group_calls[1], plain);
    EXPECT_FALSE(state.instant_group_calls[1].department.has_value());
    EXPECT_TRUE(state.instant_group_calls[1].active);
    EXPECT_FALSE(state.instant_group_calls[1].tm_update.is_set());
  };
  expect_both_back();
  ASSERT_TRUE(reopen());
  expect_both_back();
}

TEST_P(InstantGroupCallContract, ARenameReplacesTheRowKeyedByTheId) {
  InstantGroupCall service = full_instant_group_call(customer_, "igc1@example.com", at(0));
  ASSERT_TRUE(store().write({row(service)}));
  service.service_user_id = "igc1-renamed@example.com";
  service.destination_phone_numbers.pop_back();
  service.department.reset();
  ASSERT_TRUE(store().write({row(service)}));
  EXPECT_EQ(rows_in("instant_group_calls"), "1");
  const StoredState state = load();
  ASSERT_EQ(state.instant_group_calls.size(), 1u);
  EXPECT_EQ(state.instant_group_calls.front(), service);
}

TEST_P(InstantGroupCallContract, ADeletedServiceStaysOutOfTheLoadAndIsNeverPurged) {
  const InstantGroupCall kept = full_instant_group_call(customer_, "kept@example.com", at(0));
  InstantGroupCall deleted = full_instant_group_call(customer_, "gone@example.com", at(1));
  deleted.tm_delete = at(2);
  ASSERT_TRUE(store().write({row(kept), row(deleted)}));
  const StoredState state = load();
  ASSERT_EQ(state.instant_group_calls.size(), 1u);
  EXPECT_EQ(state.instant_group_calls.front(), kept);
  Result<std::size_t> purged = store().purge(at(1000000000), 100);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 0u);  // configuration, not history
  EXPECT_EQ(load().instant_group_calls.size(), 1u);
  EXPECT_EQ(rows_in("instant_group_calls"), "2");
}

TEST_P(InstantGroupCallContract, ADamagedBodyIsRefusedByItsField) {
  InstantGroupCall service = full_instant_group_call(customer_, "igc1@example.com", at(0));
  ASSERT_TRUE(store().write({row(service)}));
  // A boolean turned into a string, by hand, in SQL both backends speak.
  exec(
      "UPDATE instant_group_calls SET body = replace(body, '\"answer_timeout_enabled\":true',"
      " '\"answer_timeout_enabled\":\"yes\"')");
  ASSERT_EQ(one("SELECT count(*) FROM instant_group_calls WHERE body LIKE "
                "'%\"answer_timeout_enabled\":\"yes\"%'"),
            "1");
  Result<StoredState> state = store().load();
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().code, ErrorCode::unavailable);
  EXPECT_NE(state.error().message.find("answer_timeout_enabled"), std::string::npos)
      << state.error().message;
  EXPECT_NE(state.error().message.find("instant_group_calls"), std::string::npos)
      << state.error().message;
}

INSTANTIATE_TEST_SUITE_P(, InstantGroupCallContract, every_backend(), backend_name);

}  // namespace
}  // namespace chorus::store_test
