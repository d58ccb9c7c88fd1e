#include "actors/missed_calls.hpp"

#include <algorithm>
#include <memory>

#include "actors/engine_context.hpp"

namespace chorus {

namespace {

bool older(const MissedCall& a, const MissedCall& b) {
  return a.tm_create < b.tm_create || (a.tm_create == b.tm_create && a.id < b.id);
}

}  // namespace

void MissedCallLog::record(MissedCall call) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto& log = by_extension_[call.extension_id];
  // Calls end out of order by a little: keep the log sorted by creation.
  log.insert(std::upper_bound(log.begin(), log.end(), call, older), std::move(call));
  if (log.size() > per_extension) log.pop_front();
}

std::vector<MissedCall> MissedCallLog::list(const Uuid& customer_id, const Uuid& extension_id,
                                            std::size_t limit,
                                            std::optional<Timestamp> before) const {
  std::vector<MissedCall> result;
  std::lock_guard<std::mutex> guard(mutex_);
  auto found = by_extension_.find(extension_id);
  if (found == by_extension_.end()) return result;
  for (auto i = found->second.rbegin(); i != found->second.rend() && result.size() < limit; ++i) {
    if (i->customer_id != customer_id) continue;
    if (before && !(i->tm_create < *before)) continue;
    result.push_back(*i);
  }
  return result;
}

void record_missed_call(EngineContext& engine, MissedCall call) {
  if (call.id.is_zero()) call.id = Uuid::generate();
  if (!call.tm_create.is_set()) call.tm_create = engine.clock.creation_time();
  if (engine.writer) {
    engine.writer->write(StoreRow(std::make_shared<const MissedCall>(std::move(call))));
  } else {
    engine.missed_calls.record(std::move(call));
  }
}

}  // namespace chorus
