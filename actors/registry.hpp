#pragma once
// The registry: every call and groupcall the engine knows, by id and by customer,
// with the actor that owns each while it is live. Ended groupcall trees stay
// readable until `retained_groupcalls` newer ones have ended.

#include <cstddef>
#include <deque>
#include <mutex>

#include "actors/resource_table.hpp"
#include "model/call.hpp"
#include "model/groupcall.hpp"

namespace chorus {

class Registry {
 public:
  explicit Registry(std::size_t retained_groupcalls) : retained_(retained_groupcalls) {}

  ResourceTable<Call> calls;
  ResourceTable<Groupcall> groupcalls;

  // A top-level groupcall reached hangup: keep it (and its calls and nested
  // groupcalls) readable, forgetting the oldest ended tree beyond the limit.
  void retire(const Uuid& groupcall_id);

 private:
  void forget_tree(const Uuid& groupcall_id);

  std::size_t retained_;
  std::mutex retired_mutex_;
  std::deque<Uuid> retired_;
};

}  // namespace chorus
