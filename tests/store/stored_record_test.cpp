// What every backend writes for a row: stored_table() names, without writing the
// body, the table stored_record() puts the row in, for every kind of row.

#include <gtest/gtest.h>

#include <memory>
#include <variant>

#include "actors/store/stored_record.hpp"

namespace chorus {
namespace {

template <std::size_t I = 0>
void expect_every_row_in_its_records_table() {
  if constexpr (I < std::variant_size_v<StoreRow>) {
    using Resource = typename std::variant_alternative_t<I, StoreRow>::element_type;
    const StoreRow row(std::in_place_index<I>, std::make_shared<Resource>());
    auto record = stored_record(row);
    ASSERT_TRUE(record.has_value()) << "alternative " << I;
    EXPECT_EQ(stored_table(row), record->table)
        << "alternative " << I << ": " << table_name(record->table);
    expect_every_row_in_its_records_table<I + 1>();
  }
}

TEST(StoredRecord, TheTableOfARowIsTheTableItsRecordGoesTo) {
  expect_every_row_in_its_records_table();
}

}  // namespace
}  // namespace chorus
