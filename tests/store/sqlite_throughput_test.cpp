// Write throughput, for the record rather than as a pass/fail figure: rows per
// second for batches of 1, 100 and 10,000 groupcalls, inserted then updated, under synchronous FULL
// and NORMAL. Disabled by default (it fsyncs thousands of times); run it with
//   chorus_store_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "store_test_support.hpp"

namespace chorus::store_test {
namespace {

double rows_per_second(SqliteStore& store, const std::vector<std::vector<StoreRow>>& batches) {
  std::size_t rows = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::vector<StoreRow>& batch : batches) {
    Status written = store.write(batch);
    EXPECT_TRUE(written) << written.error().message;
    rows += batch.size();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return static_cast<double>(rows) / took.count();
}

// New groupcalls, then the same ones again as hung up (an update of every row).
struct Workload {
  std::vector<std::vector<StoreRow>> inserts;
  std::vector<std::vector<StoreRow>> updates;
};

Workload workload(int batch_size, int batches) {
  const Uuid customer = Uuid::generate();
  Workload w;
  for (int b = 0; b < batches; ++b) {
    w.inserts.emplace_back();
    w.updates.emplace_back();
    for (int i = 0; i < batch_size; ++i) {
      Groupcall g = full_groupcall(customer, at(b * batch_size + i));
      w.inserts.back().push_back(row(g));
      g.status = GroupcallStatus::hangup;
      g.tm_update = at(1'000'000'000 + b * batch_size + i);
      w.updates.back().push_back(row(g));
    }
  }
  return w;
}

TEST(SqliteThroughput, DISABLED_RowsPerSecondByBatchSizeAndSyncMode) {
  {  // The share of a write that is encoding the body, for comparison.
    const Workload w = workload(10'000, 3);
    std::size_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const std::vector<StoreRow>& batch : w.inserts) {
      for (const StoreRow& r : batch) bytes += to_json(*std::get<0>(r)).size();
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("to_json alone: %8.0f rows/s, %zu bytes per body\n", 30'000 / took.count(),
                bytes / 30'000);
  }
  const struct {
    int batch_size;
    int batches;
  } shapes[] = {{1, 500}, {100, 50}, {10'000, 3}};
  for (SyncMode sync : {SyncMode::full, SyncMode::normal}) {
    for (const auto& shape : shapes) {
      TempDir tmp;
      std::unique_ptr<SqliteStore> store = open_store(options_in(tmp.path(), sync));
      ASSERT_NE(store, nullptr);
      const Workload w = workload(shape.batch_size, shape.batches);
      const double inserts = rows_per_second(*store, w.inserts);
      const double updates = rows_per_second(*store, w.updates);
      std::printf("synchronous=%-6s batch %6d x %3d: %8.0f rows/s inserted, %8.0f updated\n",
                  sync == SyncMode::full ? "FULL" : "NORMAL", shape.batch_size, shape.batches,
                  inserts, updates);
    }
  }
}

}  // namespace
}  // namespace chorus::store_test
