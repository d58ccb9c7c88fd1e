#include "actors/registry.hpp"

#include <vector>

namespace chorus {

void Registry::retire(const Uuid& groupcall_id) {
  const std::size_t calls = count_calls(groupcall_id);
  std::vector<Uuid> evicted;
  {
    std::lock_guard<std::mutex> guard(retired_mutex_);
    retired_.push_back(Retired{groupcall_id, calls});
    retired_calls_ += calls;
    while (!retired_.empty() &&
           (retired_.size() > retained_groupcalls_ || retired_calls_ > retained_calls_)) {
      evicted.push_back(retired_.front().groupcall_id);
      retired_calls_ -= retired_.front().calls;
      retired_.pop_front();
    }
  }
  for (auto& id : evicted) forget_tree(id);
}

namespace {

// Keeps `id` among the newest `limit` ended ones of `table`, forgetting the oldest.
template <class Resource>
void retire_in(ResourceTable<Resource>& table, std::deque<Uuid>& retired, std::size_t limit,
               const Uuid& id) {
  retired.push_back(id);
  while (retired.size() > limit) {
    table.erase(retired.front());
    retired.pop_front();
  }
}

}  // namespace

void Registry::retire_conference(const Uuid& id) {
  std::lock_guard<std::mutex> guard(retired_mutex_);
  retire_in(conferences, retired_conferences_, retained_groupcalls_, id);
}

void Registry::retire_conferencecall(const Uuid& id) {
  std::lock_guard<std::mutex> guard(retired_mutex_);
  retire_in(conferencecalls, retired_conferencecalls_, retained_calls_, id);
}

std::size_t Registry::count_calls(const Uuid& groupcall_id) const {
  auto snapshot = groupcalls.find(groupcall_id);
  if (!snapshot) return 0;
  std::size_t calls = snapshot->call_ids.size();
  for (auto& nested_id : snapshot->groupcall_ids) calls += count_calls(nested_id);
  return calls;
}

void Registry::forget_tree(const Uuid& groupcall_id) {
  auto snapshot = groupcalls.find(groupcall_id);
  if (!snapshot) return;
  auto& call_ids = snapshot->call_ids;
  calls.erase(call_ids.data(), call_ids.data() + call_ids.size());
  for (auto& nested_id : snapshot->groupcall_ids) forget_tree(nested_id);
  groupcalls.erase(groupcall_id);
}

}  // namespace chorus
