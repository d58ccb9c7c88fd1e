#include "actors/registry.hpp"

#include <vector>

namespace chorus {

void Registry::retire(const Uuid& groupcall_id) {
  std::vector<Uuid> evicted;
  {
    std::lock_guard<std::mutex> guard(retired_mutex_);
    retired_.push_back(groupcall_id);
    while (retired_.size() > retained_) {
      evicted.push_back(retired_.front());
      retired_.pop_front();
    }
  }
  for (auto& id : evicted) forget_tree(id);
}

void Registry::forget_tree(const Uuid& groupcall_id) {
  auto snapshot = groupcalls.find(groupcall_id);
  if (!snapshot) return;
  for (auto& call_id : snapshot->call_ids) calls.erase(call_id);
  for (auto& nested_id : snapshot->groupcall_ids) forget_tree(nested_id);
  groupcalls.erase(groupcall_id);
}

}  // namespace chorus
