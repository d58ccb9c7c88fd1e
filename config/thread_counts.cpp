#include "config/thread_counts.hpp"

#include <algorithm>

namespace chorus {

ThreadCounts settle_thread_counts(std::size_t io, std::size_t workers, std::size_t cores) {
  cores = std::max<std::size_t>(cores, 1);
  ThreadCounts counts;
  counts.io = io > 0 ? io : std::max<std::size_t>(cores / 2, 1);
  counts.workers =
      workers > 0 ? workers : std::max<std::size_t>(cores - std::min(cores, counts.io), 1);
  return counts;
}

}  // namespace chorus
