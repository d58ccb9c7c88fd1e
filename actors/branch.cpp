#include "actors/branch.hpp"

#include "actors/engine_context.hpp"
#include "actors/state_change.hpp"

namespace chorus {

namespace {

// The snapshot of a nested groupcall ringing an agent's or extension's addresses.
Groupcall nested_base(const Groupcall& owner, const DialPlan& nested_plan) {
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
  g.ring_timeout = owner.ring_timeout;
  g.answer_timeout = 0;  // the top groupcall's answer_timeout covers the whole tree
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

}  // namespace

PreparedBranch prepare_branch(EngineContext& engine, const Groupcall& owner,
                              const std::shared_ptr<const DialPlan>& plan, std::size_t index,
                              const std::shared_ptr<const std::string>& alert_info) {
  PreparedBranch branch;
  branch.destination_index = index;
  auto& target = plan->targets[index];
  if (target.nested) {
    branch.nested =
        prepare_groupcall(engine, nested_base(owner, *target.nested), target.nested, alert_info);
  } else {
    branch.call = prepare_leg(engine, owner, target.address);
  }
  return branch;
}

std::shared_ptr<PreparedGroupcall> prepare_groupcall(
    EngineContext& engine, Groupcall base, std::shared_ptr<const DialPlan> plan,
    std::shared_ptr<const std::string> alert_info) {
  auto prepared = std::make_shared<PreparedGroupcall>();
  base.status = GroupcallStatus::progressing;
  base.destinations = plan->destinations;
  base.dial_index = 0;
  base.tm_create = engine.clock.creation_time();
  std::size_t first_count = effective(base.ring_method) == RingMethod::ring_all
                                ? plan->targets.size()
                                : std::min<std::size_t>(1, plan->targets.size());
  for (std::size_t i = 0; i < first_count; ++i) {
    auto branch = prepare_branch(engine, base, plan, i, alert_info);
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
  prepared->alert_info = std::move(alert_info);
  return prepared;
}

}  // namespace chorus
