#include "model/dial_plan.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace chorus {
namespace {

// One nested plan on the branch being resolved: whose it is, and which of its
// destinations is being looked at. Used to spot cycles and to describe where a
// nested error is.
struct Ancestor {
  std::string_view kind;  // "agent" or "extension"
  Uuid id;
  std::string_view list;  // "addresses" or "contacts"
  std::size_t index = 0;
};

class Resolver {
 public:
  Resolver(const Uuid& customer_id, const DirectoryView& directory, const DialPlanLimits& limits)
      : customer_id_(customer_id), directory_(directory), limits_(limits) {}

  Status resolve(const std::vector<Address>& destinations, std::vector<DialTarget>& targets);

 private:
  Result<DialTarget> resolve_one(const Address& address);
  Result<DialTarget> expand_agent(const Address& address);
  Result<DialTarget> expand_extension(const Address& address);
  Result<DialTarget> expand(const Address& address, DialPlan nested);
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
  return expand(address, std::move(nested));
}

// Checks the nested plan against the branch and the limits, then resolves its
// destinations one level down.
Result<DialTarget> Resolver::expand(const Address& address, DialPlan nested) {
  for (const Ancestor& ancestor : ancestors_) {
    if (ancestor.kind == nested.owner_type && ancestor.id == nested.owner_id) {
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
  const bool is_agent = nested.owner_type == "agent";
  ancestors_.push_back(Ancestor{is_agent ? "agent" : "extension", nested.owner_id,
                                is_agent ? "addresses" : "contacts"});
  Status resolved = resolve(nested.destinations, nested.targets);
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

}  // namespace chorus
