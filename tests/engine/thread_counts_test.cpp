// chorusd's split of the cores between I/O threads and engine workers
// (config/thread_counts.hpp): together they match the cores unless told otherwise.

#include "config/thread_counts.hpp"

#include <gtest/gtest.h>

namespace chorus {
namespace {

struct Split {
  std::size_t io, workers, cores;
  std::size_t expected_io, expected_workers;
};

TEST(ThreadCounts, OpenCountsShareTheCores) {
  const Split table[] = {
      {0, 0, 2, 1, 1},  // this machine: one of each
      {0, 0, 4, 2, 2}, {0, 0, 8, 4, 4}, {0, 0, 3, 1, 2}, {0, 0, 1, 1, 1},  // never zero threads
      {0, 0, 0, 1, 1},                                                     // cores unknown
      {3, 0, 4, 3, 1},                                    // the engine takes what I/O leaves
      {4, 0, 4, 4, 1}, {8, 0, 4, 8, 1}, {0, 5, 4, 2, 5},  // a configured count is kept as it is
      {2, 2, 2, 2, 2},
  };
  for (const auto& row : table) {
    auto counts = settle_thread_counts(row.io, row.workers, row.cores);
    EXPECT_EQ(counts.io, row.expected_io) << row.io << "/" << row.workers << "/" << row.cores;
    EXPECT_EQ(counts.workers, row.expected_workers)
        << row.io << "/" << row.workers << "/" << row.cores;
  }
}

}  // namespace
}  // namespace chorus
