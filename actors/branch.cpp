#include "actors/branch.hpp"

#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"

namespace chorus {

namespace {

// How long a nested groupcall's legs ring: a ring group's own ring_timeout, else
// its branch's timeout, else its owner's. Under memory_hunt, those already ringing
// keep ringing until the hunt ends, so they have no timer of their own.
std::int32_t nested_ring_timeout(const Groupcall& owner, const DialPlan& nested_plan,
                                 const RingSlot& slot) {
  if (nested_plan.ring_timeout >= 0) return nested_plan.ring_timeout;
  if (slot.timeout > 0) return slot.timeout;
  return effective(owner.ring_method) == RingMethod::memory_hunt ? 0 : owner.ring_timeout;
}

// The snapshot of a nested groupcall ringing an agent's, extension's or ring
// group's destinations.
Groupcall nested_base(const Groupcall& owner, const DialPlan& nested_plan, const RingSlot& slot) {
  Groupcall g;
  g.id = Uuid::generate();
  g.customer_id = owner.customer_id;
  g.owner_type = nested_plan.owner_type;
  g.owner_id = nested_plan.owner_id;
  g.source = owner.source;
  g.master_call_id = owner.master_call_id;
  g.master_groupcall_id = owner.id;
  g.ring_method = nested_plan.ring_method;
  g.answer_method = owner.answer_method;
  g.ring_timeout = nested_ring_timeout(owner, nested_plan, slot);
  // The top groupcall's answer_timeout covers the whole tree; an instant group
  // call brings its own.
  g.answer_timeout = nested_plan.answer_timeout;
  g.fail_on_single_reject = owner.fail_on_single_reject;  // one decline ends the tree
  // repeats stay 0: the top groupcall runs the whole tree again
  g.conference_id = owner.conference_id;  // whichever leg wins joins it
  return g;
}

std::shared_ptr<const Call> prepare_leg(EngineContext& engine, const Groupcall& owner,
                                        const Address& destination) {
  auto call = std::make_shared<Call>();
  call->id = Uuid::generate();
  call->customer_id = owner.customer_id;
  call->groupcall_id = owner.id;
  call->master_call_id = owner.master_call_id;
  call->source = owner.source;
  call->destination = destination;
  call->direction = CallDirection::outgoing;
  call->status = CallStatus::dialing;
  call->tm_create = engine.clock.creation_time();
  insert(engine, call);
  return call;
}

// A ring group sends its own alert_info with every leg it rings.
DialContextPtr dial_context_of(const DialPlan& nested, const DialContextPtr& owners) {
  if (nested.alert_info.empty()) return owners;
  return std::make_shared<const DialContext>(
      DialContext{nested.alert_info, owners ? owners->sdp_offer : std::string()});
}

PreparedBranch prepare_target(EngineContext& engine, const Groupcall& owner,
                              const DialTarget& target, const RingSlot& slot,
                              const DialContextPtr& dial_context) {
  PreparedBranch branch;
  if (target.nested) {
    branch.nested = prepare_groupcall(engine, nested_base(owner, *target.nested, slot),
                                      target.nested, dial_context_of(*target.nested, dial_context));
  } else {
    branch.call = prepare_leg(engine, owner, target.address);
  }
  return branch;
}

}  // namespace

PreparedBranch prepare_branch(EngineContext& engine, const Groupcall& owner, const DialPlan& plan,
                              const RingSchedule& schedule, std::size_t index,
                              const DialContextPtr& dial_context) {
  PreparedBranch branch =
      prepare_target(engine, owner, plan.targets[index], schedule.slots[index], dial_context);
  branch.destination_index = index;
  return branch;
}

PreparedBranch prepare_failover(EngineContext& engine, const Groupcall& owner,
                                const DialTarget& target, const DialContextPtr& dial_context) {
  RingSlot slot;
  slot.timeout = owner.ring_timeout > 0 ? owner.ring_timeout : Groupcall::default_ring_timeout;
  PreparedBranch branch = prepare_target(engine, owner, target, slot, dial_context);
  branch.destination_index = owner.destinations.size();  // after every destination
  return branch;
}

namespace {

RingSchedule schedule_of(const Groupcall& base, const DialPlan& plan) {
  std::vector<ScheduleInput> inputs;
  inputs.reserve(plan.targets.size());
  for (auto& target : plan.targets) {
    inputs.push_back(ScheduleInput{target.member, target.address.delay, target.address.timeout,
                                   target.nested != nullptr});
  }
  return make_ring_schedule(base.ring_method, base.ring_timeout, inputs);
}

}  // namespace

std::shared_ptr<PreparedGroupcall> prepare_groupcall(EngineContext& engine, Groupcall base,
                                                     std::shared_ptr<const DialPlan> plan,
                                                     DialContextPtr dial_context) {
  auto prepared = std::make_shared<PreparedGroupcall>();
  base.status = GroupcallStatus::progressing;
  base.destinations = plan->destinations;
  base.dial_index = 0;
  base.tm_create = engine.clock.creation_time();
  prepared->schedule = schedule_of(base, *plan);
  // Exact sizes: a groupcall's lists live as long as it rings (per-leg memory).
  base.call_ids.reserve(plan->targets.size());
  prepared->initial.reserve(plan->targets.size());
  for (std::size_t i = 0; i < plan->targets.size(); ++i) {
    auto& slot = prepared->schedule.slots[i];
    if (slot.step > 0) break;  // steps are in destination order
    if (slot.delay > 0) continue;
    auto branch = prepare_branch(engine, base, *plan, prepared->schedule, i, dial_context);
    if (branch.call) {
      base.call_ids.push_back(branch.call->id);
    } else {
      base.groupcall_ids.push_back(branch.nested->groupcall->id);
    }
    prepared->initial.push_back(std::move(branch));
  }
  base.call_count = static_cast<std::int32_t>(base.call_ids.size());
  base.groupcall_count = static_cast<std::int32_t>(base.groupcall_ids.size());
  auto groupcall = std::make_shared<const Groupcall>(std::move(base));
  insert(engine, groupcall);
  prepared->groupcall = std::move(groupcall);
  prepared->plan = std::move(plan);
  prepared->dial_context = std::move(dial_context);
  return prepared;
}

}  // namespace chorus
