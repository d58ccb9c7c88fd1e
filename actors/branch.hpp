#pragma once
// A branch: one destination of a groupcall as dialled, either a call leg or a
// nested groupcall. Preparing a branch builds its initial snapshot (ids, status,
// timestamps) and registers it, before any actor runs, so that a groupcall's
// call_ids and groupcall_ids can be read the moment they are returned.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/dial_context.hpp"
#include "model/call.hpp"
#include "model/dial_plan.hpp"
#include "model/groupcall.hpp"
#include "model/ring_schedule.hpp"

namespace chorus {

struct EngineContext;
struct PreparedGroupcall;

// Where a branch's own answer stands. Only the groupcall that rang it decides: the
// answer is pending until that groupcall (and every groupcall above it) took it
// for good (won), and late when the groupcall ended the branch before taking it,
// because it had a winner, was hanging up, timed out or was being deleted. Only a
// won answer may end `normal`.
enum class BranchAnswer : std::uint8_t { none, pending, won, late };

struct PreparedBranch {
  std::size_t destination_index = 0;
  std::shared_ptr<const Call> call;           // a leg, or
  std::shared_ptr<PreparedGroupcall> nested;  // a nested groupcall
};

struct PreparedGroupcall {
  std::shared_ptr<const Groupcall> groupcall;  // with the initial branches' ids
  std::shared_ptr<const DialPlan> plan;
  RingSchedule schedule;
  // Dialled at once: the first step's destinations that have no delay.
  std::vector<PreparedBranch> initial;
  DialContextPtr dial_context;
};

// Prepares destination `index` of `owner` (whose plan is `plan`, scheduled by
// `schedule`).
PreparedBranch prepare_branch(EngineContext& engine, const Groupcall& owner, const DialPlan& plan,
                              const RingSchedule& schedule, std::size_t index,
                              const DialContextPtr& dial_context);

// Prepares the failover target of `owner`'s plan, rung as one more branch.
PreparedBranch prepare_failover(EngineContext& engine, const Groupcall& owner,
                                const DialTarget& target, const DialContextPtr& dial_context);

// Prepares a groupcall from `base` (id, customer, source, methods, timeouts set):
// fills destinations and the ids of the branches dialled first, and registers
// the whole tree.
std::shared_ptr<PreparedGroupcall> prepare_groupcall(EngineContext& engine, Groupcall base,
                                                     std::shared_ptr<const DialPlan> plan,
                                                     DialContextPtr dial_context);

}  // namespace chorus
