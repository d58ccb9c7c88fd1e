#pragma once
// Private to the groupcall actor (groupcall_actor.cpp: answers and hangups;
// groupcall_schedule.cpp: when branches ring, repeats and failover): the state
// they share and the few functions each calls in the other.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/branch.hpp"
#include "actors/engine_context.hpp"
#include "actors/messages.hpp"
#include "actors/running_actor.hpp"
#include "actors/state_beside.hpp"
#include "actors/supervision.hpp"
#include "actors/timer_service.hpp"

namespace chorus {

namespace groupcall_detail {

using time_point = caf::actor_clock::time_point;
constexpr time_point never = time_point::max();

// Widest members first: 48 bytes, where the one-byte kind leading took 56 (a
// groupcall of 10 holds its branches in jemalloc's 512-byte class, not 640).
struct Branch {
  Uuid id;
  branch_actor actor;
  time_point stop_at = never;
  std::uint32_t slot = 0;   // its destination (the failover's is past the last)
  std::uint32_t round = 0;  // the repeat it was dialled in
  ResourceKind kind = ResourceKind::call;
  bool live = true;
  bool ending = false;  // told to end: an answer it sends now must not win
};

struct Timer {
  TimerService::Token token;
  std::uint32_t generation = 0;
  time_point deadline;
};

// Where the schedule stands: the step running, the destinations of it still in
// their delay, and what comes once the last step is over.
struct Ringing {
  RingSchedule schedule;
  std::uint32_t step = 0;
  std::uint32_t round = 0;  // 0, then one more per repeat
  time_point step_started{};
  time_point step_ends = never;
  std::vector<std::uint32_t> waiting;  // slots of this step not yet dialled
  std::size_t step_live = 0;           // live branches this step started
  bool draining = false;               // the last step ran out: what still rings is ending
  enum class Phase : std::uint8_t { schedule, failover, routing } phase = Phase::schedule;
};

// Beside its actor (state_beside.hpp). As the actor exits, it tells the
// supervisor of an abnormal exit, as supervise() does for the other actors.
struct GroupcallState final : caf::attachable {
  void actor_exited(const caf::error& reason, caf::execution_unit*) override {
    if (groupcall) report_abnormal_exit(supervisor, ResourceKind::groupcall, groupcall->id, reason);
  }

  EngineContext* engine = nullptr;
  supervisor_actor supervisor;
  std::shared_ptr<const Groupcall> groupcall;
  std::shared_ptr<const DialPlan> plan;
  DialContextPtr dial_context;
  groupcall_actor parent;
  std::vector<Branch> branches;
  std::size_t live = 0;  // branches not yet ended
  Ringing ringing;
  Timer ring_timer;  // the schedule's next moment
  Timer answer_timer;
  std::vector<GroupcallReply> deletions;  // answered once the groupcall has ended
  HangupReason last_reason = HangupReason::normal;
  // Its own answer, as its parent sees it: a top-level groupcall's winner has won
  // at once; a nested one's waits for the verdict of the groupcalls above.
  BranchAnswer answer = BranchAnswer::none;
  // A hangup asked for while that verdict was pending: it ends the winner once
  // the verdict says how (normal if it won, cancel if not).
  std::optional<LegCause> winner_hangup;

  bool answered() const {
    return !groupcall->answer_call_id.is_zero() || !groupcall->answer_groupcall_id.is_zero();
  }
  // Answers are taken only while it rings: not once it has a winner, is hanging
  // up (on request, on answer_timeout or to be deleted) or has ended.
  bool takes_answers() const {
    return groupcall->status == GroupcallStatus::progressing && !answered();
  }

  // Few branches: a scan beats hashing. Many (up to max_destinations): an index,
  // so that each answer or end stays O(1). Made only then: an empty map is 56
  // bytes a groupcall.
  static constexpr std::size_t scan_limit = 16;
  std::unique_ptr<std::unordered_map<Uuid, std::size_t>> index;

  void add(Branch branch) {
    branches.push_back(std::move(branch));
    if (branches.size() == scan_limit + 1) {
      index = std::make_unique<std::unordered_map<Uuid, std::size_t>>();
      for (std::size_t i = 0; i < branches.size(); ++i) index->emplace(branches[i].id, i);
    } else if (branches.size() > scan_limit + 1) {
      index->emplace(branches.back().id, branches.size() - 1);
    }
  }
  Branch* find(const Uuid& id) {
    if (branches.size() > scan_limit) {
      auto i = index->find(id);
      return i == index->end() ? nullptr : &branches[i->second];
    }
    auto i =
        std::find_if(branches.begin(), branches.end(), [&](const Branch& b) { return b.id == id; });
    return i == branches.end() ? nullptr : &*i;
  }
  bool any_live() const { return live > 0; }
  Branch* winner() {
    if (!answered()) return nullptr;
    return find(groupcall->answer_call_id.is_zero() ? groupcall->answer_groupcall_id
                                                    : groupcall->answer_call_id);
  }
};

// A groupcall's actor: CAF's typed actor, 1,024 bytes with CAF's control block,
// its state beside it (state_beside.hpp) and its handlers shared by every
// groupcall (running_actor.hpp). A stateful groupcall took 1,536 bytes, its own
// behaviour 448 and its exit hook 48.
class GroupcallActor final
    : public RunningActor<GroupcallActor,
                          StateBeside<GroupcallActor, groupcall_actor::base, GroupcallState>> {
 public:
  using RunningActor::RunningActor;
  const char* name() const override { return "groupcall"; }
};

using GroupcallSelf = GroupcallActor*;

// groupcall_actor.cpp
branch_actor spawn_branch(GroupcallSelf self, PreparedBranch& prepared);
void finish(GroupcallSelf self);
void end_branch(GroupcallSelf self, Branch& branch, LegCause cause);
void arm(GroupcallSelf self, Timer& timer, GroupcallTimer kind, time_point deadline);
void disarm(GroupcallSelf self, Timer& timer);

// Copies the snapshot, applies `edit`, stamps tm_update and keeps the counts true.
template <class Edit>
std::shared_ptr<const Groupcall> changed(GroupcallSelf self, Edit&& edit) {
  auto& st = self->state();
  auto next = std::make_shared<Groupcall>(*st.groupcall);
  edit(*next);
  next->tm_update = st.engine->clock.now();
  next->call_count = next->groupcall_count = 0;
  for (auto& b : st.branches) {
    if (!b.live) continue;
    (b.kind == ResourceKind::call ? next->call_count : next->groupcall_count)++;
  }
  st.groupcall = next;
  return next;
}

// groupcall_schedule.cpp
// Starts ringing: the first step, its undelayed branches already prepared.
void start_schedule(GroupcallSelf self, PreparedGroupcall& prepared);
// A ring-timer expiry: starts what is due, stops what ran out, moves on.
void on_schedule_timer(GroupcallSelf self);
// A branch ended while nobody has answered: the schedule may move on.
void on_branch_ended(GroupcallSelf self, const Branch& branch);
// The driver carried out the failover's routing instruction.
void on_routed(GroupcallSelf self);

}  // namespace groupcall_detail
}  // namespace chorus
