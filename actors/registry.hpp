#pragma once
// The registry: every call, groupcall, conference and conferencecall the engine
// knows, by id and by customer, with the actor that owns each while it is live.
// Without a store, ended groupcall trees stay readable while at most
// `retained_groupcalls` trees and `retained_calls` of their calls are kept (the
// oldest ended trees are forgotten first), and ended conferences and
// conferencecalls within the same two limits.

#include <cstddef>
#include <deque>
#include <mutex>

#include "actors/resource_table.hpp"
#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/groupcall.hpp"

namespace chorus {

class Registry {
 public:
  // The tables are sized for the retained history up front: growing them one
  // rehash at a time was a tenth of a REST creation's CPU until they filled.
  Registry(std::size_t retained_groupcalls, std::size_t retained_calls)
      : retained_groupcalls_(retained_groupcalls), retained_calls_(retained_calls) {
    calls.reserve(retained_calls);
    groupcalls.reserve(retained_groupcalls);
  }

  ResourceTable<Call> calls;
  ResourceTable<Groupcall> groupcalls;
  ResourceTable<Conference> conferences;
  ResourceTable<Conferencecall> conferencecalls;

  // A top-level groupcall reached hangup: keep it (and its calls and nested
  // groupcalls) readable, forgetting the oldest ended trees beyond the limits.
  void retire(const Uuid& groupcall_id);
  // Forgets a groupcall, its calls and its nested groupcalls at once (when a
  // durable store keeps them instead).
  void forget(const Uuid& groupcall_id) { forget_tree(groupcall_id); }
  // An ended conference or conferencecall: kept readable within the limits.
  void retire_conference(const Uuid& id);
  void retire_conferencecall(const Uuid& id);

 private:
  struct Retired {
    Uuid groupcall_id;
    std::size_t calls = 0;  // in the whole tree
  };

  std::size_t count_calls(const Uuid& groupcall_id) const;
  void forget_tree(const Uuid& groupcall_id);

  std::size_t retained_groupcalls_;
  std::size_t retained_calls_;
  std::mutex retired_mutex_;
  std::deque<Retired> retired_;
  std::size_t retired_calls_ = 0;  // calls held by the trees in retired_
  std::deque<Uuid> retired_conferences_;
  std::deque<Uuid> retired_conferencecalls_;
};

}  // namespace chorus
