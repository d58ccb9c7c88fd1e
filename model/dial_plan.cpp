#include "model/dial_plan.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include "model/ring_group_plan.hpp"

namespace chorus {
namespace {

// One nested plan on the branch being resolved: whose it is, and which of its
// destinations is being looked at. Used to spot cycles and to describe where a
// nested error is.
struct Ancestor {
  std::string_view kind;  // "agent", "extension" or "ring_group"
  Uuid id;
  std::string_view list;  // "addresses" or "contacts"
  std::size_t index = 0;
};

// What a nested plan's owner is called, and its list of destinations, in errors.
struct NestedKind {
  std::string_view owner_type;
  std::string_view list;
};
constexpr NestedKind nested_kinds[] = {
    {"agent", "addresses"},
    {"extension", "contacts"},
    {"instant_group_call", "destinationPhoneNumbers"},
};

Ancestor ancestor_of(const DialPlan& nested) {
  for (const NestedKind& kind : nested_kinds) {
    if (kind.owner_type == nested.owner_type)
      return Ancestor{kind.owner_type, nested.owner_id, kind.list};
  }
  return Ancestor{"extension", nested.owner_id, "contacts"};
}

class Resolver {
 public:
  Resolver(const Uuid& customer_id, const DirectoryView& directory, const DialPlanLimits& limits)
      : customer_id_(customer_id), directory_(directory), limits_(limits) {}

  Status resolve(const std::vector<Address>& destinations, std::vector<DialTarget>& targets);
  Result<DialPlan> top_instant_group_call(const InstantGroupCall& service) {
    top_field_ = "target";
    Result<DialPlan> plan = instant_group_call_plan(service);
    if (!plan) return plan;
    Status resolved = resolve(plan->destinations, plan->targets);
    if (!resolved) return resolved.error();
    return plan;
  }

  Result<DialPlan> top_ring_group(const RingGroup& group) {
    top_field_ = "number";
    ancestors_.push_back(Ancestor{"ring_group", storage_key(group), "member_list"});
    return ring_group_plan(group);
  }

 private:
  Result<DialPlan> ring_group_plan(const RingGroup& group);
  Result<DialPlan> instant_group_call_plan(const InstantGroupCall& service) const;
  Result<DialTarget> resolve_one(const Address& address);
  Result<DialTarget> expand_agent(const Address& address);
  Result<DialTarget> expand_extension(const Address& address);
  Result<DialTarget> expand_ring_group(const Address& address);
  Result<DialTarget> expand_instant_group_call(const Address& address);
  Result<DialTarget> expand(const Address& address, DialPlan nested);
  Status check_nesting(const DialPlan& nested) const;
  std::shared_ptr<const DialFailover> failover_of(const RingGroup& group, bool nobody_available);
  Status resolve_failover_target(DialFailover& failover, FailoverDest dest,
                                 const std::string& prefix, const std::string& value);
  Status validate(const Address& address) const;
  std::string describe_branch() const;
  Error fail(std::string_view suffix, const std::string& rule) const;
  Error fail_limit(const std::string& rule) const;

  const Uuid& customer_id_;
  const DirectoryView& directory_;
  const DialPlanLimits& limits_;
  std::string top_field_;            // "destinations[i]" of the top-level destination
  std::vector<Ancestor> ancestors_;  // nested plans from the top down; empty at top level
  std::size_t target_count_ = 0;
  std::int32_t missed_call_group_ = 0;  // resolving members of a group with enb_miss_call
};

Status Resolver::resolve(const std::vector<Address>& destinations,
                         std::vector<DialTarget>& targets) {
  targets.reserve(destinations.size());
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    if (ancestors_.empty()) {
      top_field_ = "destinations[" + std::to_string(i) + "]";
    } else {
      ancestors_.back().index = i;
    }
    if (++target_count_ > limits_.max_targets) {
      return Error::limit("destinations", "destinations: at most " +
                                              std::to_string(limits_.max_targets) +
                                              " targets in the whole plan, nested ones included");
    }
    Result<DialTarget> target = resolve_one(destinations[i]);
    if (!target) return target.error();
    targets.push_back(std::move(target).value());
    targets.back().member = static_cast<std::uint32_t>(i);
  }
  return {};
}

Result<DialTarget> Resolver::resolve_one(const Address& address) {
  Status valid = validate(address);
  if (!valid) return valid.error();
  switch (address.type) {
    case AddressType::agent:
      return expand_agent(address);
    case AddressType::extension:
      return expand_extension(address);
    case AddressType::ring_group:
      return expand_ring_group(address);
    case AddressType::instant_group_call:
      return expand_instant_group_call(address);
    case AddressType::tel:
    case AddressType::endpoint:
    case AddressType::sip:
      break;
  }
  return DialTarget{address, nullptr};
}

Result<DialTarget> Resolver::expand_agent(const Address& address) {
  const std::optional<Uuid> id = Uuid::parse(address.target);
  if (!id) return fail(".target", "must be an agent id (UUID)");
  std::optional<Agent> agent = directory_.find_agent(customer_id_, *id);
  if (!agent) return fail(".target", "unknown agent " + id->to_string());
  DialPlan nested;
  nested.ring_method = agent->ring_method;
  nested.owner_type = "agent";
  nested.owner_id = agent->id;
  nested.destinations = std::move(agent->addresses);
  return expand(address, std::move(nested));
}

Result<DialTarget> Resolver::expand_extension(const Address& address) {
  std::optional<Extension> extension = directory_.find_extension(customer_id_, address);
  if (!extension) {
    const Text& name = address.target.empty() ? address.target_name : address.target;
    return fail(".target", "unknown extension " + name.str());
  }
  DialPlan nested;
  nested.ring_method = RingMethod::ring_all;  // every registered contact rings at once
  nested.owner_type = "extension";
  nested.owner_id = extension->id;
  nested.destinations = std::move(extension->contacts);
  nested.missed_call_ring_group = missed_call_group_;
  return expand(address, std::move(nested));
}

Result<DialTarget> Resolver::expand_ring_group(const Address& address) {
  std::optional<RingGroup> group = directory_.find_ring_group(customer_id_, address.target.str());
  if (!group) return fail(".target", "unknown ring group " + address.target.str());
  for (const Ancestor& ancestor : ancestors_) {
    if (ancestor.kind == "ring_group" && ancestor.id == storage_key(*group)) {
      return fail("", "ring group " + group->number + " rings itself");
    }
  }
  if (auto status = check_nesting(DialPlan{}); !status) return status.error();
  ancestors_.push_back(Ancestor{"ring_group", storage_key(*group), "member_list"});
  Result<DialPlan> plan = ring_group_plan(*group);
  ancestors_.pop_back();
  if (!plan) return plan.error();
  return DialTarget{address, std::make_shared<const DialPlan>(std::move(plan).value())};
}

Result<DialTarget> Resolver::expand_instant_group_call(const Address& address) {
  std::optional<InstantGroupCall> service =
      directory_.find_instant_group_call(customer_id_, address.target.str());
  if (!service) return fail(".target", "unknown instant group call " + address.target.str());
  Result<DialPlan> plan = instant_group_call_plan(*service);
  if (!plan) return plan.error();
  return expand(address, std::move(plan).value());
}

// Every destination phone number at once; the answer timeout when enabled.
Result<DialPlan> Resolver::instant_group_call_plan(const InstantGroupCall& service) const {
  if (!service.active) {
    return Error::conflict("instant group call " + service.service_user_id + " is inactive");
  }
  DialPlan plan;
  plan.ring_method = RingMethod::ring_all;
  plan.owner_type = "instant_group_call";
  plan.owner_id = service.id;
  for (const std::string& number : service.destination_phone_numbers) {
    plan.destinations.push_back(Address{AddressType::tel, number, "", "", ""});
  }
  // BroadWorks times an instant group call as a whole: no leg has a ring timer of
  // its own, and without the answer timeout the numbers ring until answered.
  plan.ring_timeout = 0;
  if (service.answer_timeout_enabled) plan.answer_timeout = service.answer_timeout_minutes * 60;
  return Result<DialPlan>(std::move(plan));
}

// The group's members as a plan of their own; called with the group on the
// ancestors, so that a failover chain that comes back to it is seen.
Result<DialPlan> Resolver::ring_group_plan(const RingGroup& group) {
  DialPlan plan;
  plan.ring_method = ring_method_of(group.ring_strategy);
  plan.owner_type = "ring_group";
  plan.owner_id = storage_key(group);
  plan.ring_timeout = group.ring_timeout;
  plan.alert_info = group.alert_info;
  plan.ring_group_id = group.id;
  std::vector<MemberDestination> members = available_members(group, directory_);
  if (members.size() > limits_.max_destinations) {
    return fail_limit("ring group " + group.number + " has " + std::to_string(members.size()) +
                      " available members; at most " + std::to_string(limits_.max_destinations) +
                      " are allowed");
  }
  for (auto& m : members) plan.destinations.push_back(m.address);
  const std::int32_t outer =
      std::exchange(missed_call_group_, group.enb_miss_call == 1 ? group.id : 0);
  Status resolved = resolve(plan.destinations, plan.targets);
  missed_call_group_ = outer;
  if (!resolved) return resolved.error();
  for (std::size_t i = 0; i < members.size(); ++i) plan.targets[i].member = members[i].member;
  plan.failover = failover_of(group, members.empty());
  return Result<DialPlan>(std::move(plan));
}

// What the group's failover rings, if anything. A failover that cannot be taken
// (a loop, an unknown or unreachable target) does not refuse the call: it ends it,
// and `problem` says why.
std::shared_ptr<const DialFailover> Resolver::failover_of(const RingGroup& group,
                                                          bool nobody_available) {
  auto failover = std::make_shared<DialFailover>();
  const FailoverDest dest = nobody_available ? group.no_agent_online_dest : group.fail_dest;
  const std::string& prefix =
      nobody_available ? group.no_agent_online_prefix : group.fail_dest_prefix;
  const std::string& value = nobody_available ? group.no_agent_online_value : group.fail_dest_value;
  failover->taken = Failover{std::string(to_string(dest)), value};
  failover->prefix = prefix;
  if (auto status = resolve_failover_target(*failover, dest, prefix, value); !status) {
    failover->target.reset();
    failover->problem = status.error().message;
  }
  return failover;
}

Status Resolver::resolve_failover_target(DialFailover& failover, FailoverDest dest,
                                         const std::string& prefix, const std::string& value) {
  Address address;
  switch (dest) {
    case FailoverDest::end_call:
      return {};
    case FailoverDest::extension:
      address.type = AddressType::extension;
      address.target = Text(value);
      break;
    case FailoverDest::ring_group:
      address.type = AddressType::ring_group;
      address.target = Text(value);
      break;
    case FailoverDest::external_num:
      address.type = AddressType::tel;
      address.target = Text(prefix + value);
      break;
    default:  // voicemail, IVR, call flow, queue, prompt: services of the softswitch
      failover.routed = true;
      return {};
  }
  Result<DialTarget> target = resolve_one(address);
  if (!target) return target.error();
  failover.target = std::move(target).value();
  return {};
}
// A nested plan must not repeat one above it, go deeper than max_depth or have
// more than max_destinations.
Status Resolver::check_nesting(const DialPlan& nested) const {
  for (const Ancestor& ancestor : ancestors_) {
    if (!nested.owner_type.empty() && ancestor.kind == nested.owner_type &&
        ancestor.id == nested.owner_id) {
      return fail("", "cycle through " + nested.owner_type + " " + nested.owner_id.to_string());
    }
  }
  const std::size_t depth = ancestors_.size() + 1;
  if (depth > static_cast<std::size_t>(std::max(limits_.max_depth, 0))) {
    return fail("", "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  if (nested.destinations.size() > limits_.max_destinations) {
    return fail_limit(nested.owner_type + " " + nested.owner_id.to_string() + " has " +
                      std::to_string(nested.destinations.size()) + " destinations; at most " +
                      std::to_string(limits_.max_destinations) + " are allowed");
  }
  return {};
}

// Checks the nested plan against the branch and the limits, then resolves its
// destinations one level down.
Result<DialTarget> Resolver::expand(const Address& address, DialPlan nested) {
  if (auto status = check_nesting(nested); !status) return status.error();
  ancestors_.push_back(ancestor_of(nested));
  // An agent's or extension's own addresses are not ring group members.
  const std::int32_t missed_call_group = std::exchange(missed_call_group_, 0);
  Status resolved = resolve(nested.destinations, nested.targets);
  missed_call_group_ = missed_call_group;
  ancestors_.pop_back();
  if (!resolved) return resolved.error();
  return DialTarget{address, std::make_shared<const DialPlan>(std::move(nested))};
}

Status Resolver::validate(const Address& address) const {
  if (ancestors_.empty()) return validate_destination(address, top_field_);
  // Nested: the field stays the top-level destination; the branch goes in the message.
  Status valid = validate_destination(address, describe_branch());
  if (valid) return valid;
  return Error::invalid(top_field_, valid.error().message);
}

// "agent <a> addresses[1] -> extension <e> contacts[0]": where on the branch we are.
std::string Resolver::describe_branch() const {
  std::string text;
  for (const Ancestor& ancestor : ancestors_) {
    if (!text.empty()) text += " -> ";
    text += ancestor.kind;
    text += ' ';
    text += ancestor.id.to_string();
    text += ' ';
    text += ancestor.list;
    text += '[' + std::to_string(ancestor.index) + ']';
  }
  return text;
}

// An error about the destination being resolved. At the top level the field names it
// exactly (plus `suffix`); below, callers only know top-level fields, so the field is
// the top-level destination and the message says where in its branch it went wrong.
Error Resolver::fail(std::string_view suffix, const std::string& rule) const {
  if (ancestors_.empty()) return Error::invalid(top_field_ + std::string(suffix), rule);
  return Error::invalid(top_field_, describe_branch() + std::string(suffix) + ": " + rule);
}

Error Resolver::fail_limit(const std::string& rule) const {
  if (ancestors_.empty()) return Error::limit(top_field_, top_field_ + ": " + rule);
  return Error::limit(top_field_, top_field_ + ": " + describe_branch() + ": " + rule);
}

}  // namespace

Result<DialPlan> resolve_dial_plan(const Uuid& customer_id, RingMethod ring_method,
                                   const std::vector<Address>& destinations,
                                   const DirectoryView& directory, const DialPlanLimits& limits) {
  if (destinations.empty()) return Error::invalid("destinations", "must not be empty");
  if (destinations.size() > limits.max_destinations) {
    return Error::limit(
        "destinations",
        "destinations: at most " + std::to_string(limits.max_destinations) + " destinations");
  }
  DialPlan plan;
  plan.ring_method = ring_method;
  plan.destinations = destinations;
  Resolver resolver(customer_id, directory, limits);
  Status resolved = resolver.resolve(plan.destinations, plan.targets);
  if (!resolved) return resolved.error();
  return Result<DialPlan>(std::move(plan));
}

Result<DialPlan> resolve_ring_group(const Uuid& customer_id, std::string_view number,
                                    const DirectoryView& directory, const DialPlanLimits& limits) {
  std::optional<RingGroup> group = directory.find_ring_group(customer_id, number);
  if (!group) return Error::not_found("ring group " + std::string(number));
  Resolver resolver(customer_id, directory, limits);
  return resolver.top_ring_group(*group);
}

Result<DialPlan> resolve_instant_group_call(const Uuid& customer_id, std::string_view target,
                                            const DirectoryView& directory,
                                            const DialPlanLimits& limits) {
  std::optional<InstantGroupCall> service = directory.find_instant_group_call(customer_id, target);
  if (!service) return Error::not_found("instant group call " + std::string(target));
  Resolver resolver(customer_id, directory, limits);
  return resolver.top_instant_group_call(*service);
}

}  // namespace chorus
