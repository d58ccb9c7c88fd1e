#pragma once
// Missed ring-group calls (see model/missed_call.hpp). With a store each is a row
// of its own, read back from there; without one the engine keeps the latest few
// per extension in memory, so that an embedding without a disk still answers
// GET /v1.0/extensions/{id}/missed_calls.

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "model/missed_call.hpp"

namespace chorus {

struct EngineContext;

// The in-memory log: bounded per extension, oldest forgotten first.
class MissedCallLog {
 public:
  static constexpr std::size_t per_extension = 1000;

  void record(MissedCall call);
  // Newest first (by tm_create), at most `limit`, created strictly before `before`.
  std::vector<MissedCall> list(const Uuid& customer_id, const Uuid& extension_id, std::size_t limit,
                               std::optional<Timestamp> before) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<Uuid, std::deque<MissedCall>> by_extension_;  // oldest first
};

// Records `call` for its extension; from an actor thread, never blocks (the row is
// queued for the store writer). A zero id or an unset tm_create is filled in.
void record_missed_call(EngineContext& engine, MissedCall call);

}  // namespace chorus
