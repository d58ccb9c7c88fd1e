#pragma once
// A dial plan: a groupcall's destinations resolved against the directory before
// anything is dialled. An agent destination expands into a nested plan over the
// agent's addresses (with the agent's ring_method); an extension destination into a
// nested ring_all over its contacts. Resolving up front means a cycle, an unknown
// agent or a plan nested too deep is refused before any leg rings.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/address.hpp"
#include "model/directory_entry.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/instant_group_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus {

struct DialPlan;

struct DialTarget {
  Address address;                         // the destination as written
  std::shared_ptr<const DialPlan> nested;  // set when it rings as a nested groupcall
  std::uint32_t member = 0;  // targets of one member (an extension group) ring together
};

// Where a ring group's call goes when nobody answered (fail_dest) or nobody was
// available (no_agent_online_dest), resolved with the rest of the plan.
struct DialFailover {
  Failover taken;                    // recorded on the groupcall: {dest, value}
  std::optional<DialTarget> target;  // extension, ring_group, external_num: one more branch
  bool routed = false;  // voicemail, IVR, queue...: a routing instruction for the driver
  std::string prefix;   // the *_prefix as written, handed on with a routing instruction
  std::string problem;  // why it cannot be taken (a loop, an unknown target): the call ends
};

struct DialPlan {
  RingMethod ring_method = RingMethod::unset;
  std::string owner_type;  // "agent", "extension" or "ring_group" for a nested plan
  Uuid owner_id;
  std::vector<Address> destinations;  // what this plan rings, as written
  std::vector<DialTarget> targets;    // one per destination, in order
  // A ring group's own settings for the groupcall that rings it.
  std::int32_t ring_timeout = -1;  // -1: its owner's
  std::string alert_info;          // empty: its owner's
  std::int32_t ring_group_id = 0;
  std::shared_ptr<const DialFailover> failover;
  // An instant group call's answer timeout (seconds; 0: none): its groupcall ends
  // unanswered once it passes.
  std::int32_t answer_timeout = 0;
  // An extension rung as a member of a ring group with enb_miss_call: a missed
  // call is recorded for it when it rang and did not answer.
  std::int32_t missed_call_ring_group = 0;
};

// The directory as dial-plan resolution sees it: pure lookups, no locking contract.
class DirectoryView {
 public:
  virtual ~DirectoryView() = default;
  virtual std::optional<Agent> find_agent(const Uuid& customer_id, const Uuid& agent_id) const = 0;
  // An extension by its id or number (address.target), or by number (address.target_name).
  virtual std::optional<Extension> find_extension(const Uuid& customer_id,
                                                  const Address& address) const = 0;
  // A ring group by its number, or by its id written as a number when no group
  // has that number; an extension group by its id or name.
  virtual std::optional<RingGroup> find_ring_group(const Uuid& customer_id,
                                                   std::string_view number) const {
    (void)customer_id, (void)number;
    return std::nullopt;
  }
  virtual std::optional<ExtensionGroup> find_extension_group(const Uuid& customer_id,
                                                             std::string_view id_or_name) const {
    (void)customer_id, (void)id_or_name;
    return std::nullopt;
  }
  // An instant group call by its serviceUserId, or by its phoneNumber.
  virtual std::optional<InstantGroupCall> find_instant_group_call(
      const Uuid& customer_id, std::string_view service_user_id_or_number) const {
    (void)customer_id, (void)service_user_id_or_number;
    return std::nullopt;
  }
};

struct DialPlanLimits {
  int max_depth = 4;                    // nested groupcall levels below the top one
  std::size_t max_destinations = 1000;  // per plan, top level included
  // Targets in the whole tree, nested ones included: per-plan limits alone let a few
  // agents that each list another agent many times multiply into millions of legs.
  std::size_t max_targets = 10000;
};

// Resolves ring group `number` (or id) of `customer_id` as a plan of its own: the
// embedding API's way to ring a group for a call routed to its number.
Result<DialPlan> resolve_ring_group(const Uuid& customer_id, std::string_view number,
                                    const DirectoryView& directory, const DialPlanLimits& limits);

// Resolves an active instant group call of `customer_id`, by serviceUserId or
// phoneNumber, as a plan of its own: ring_all over its destination phone numbers.
// An inactive one is a conflict.
Result<DialPlan> resolve_instant_group_call(const Uuid& customer_id, std::string_view target,
                                            const DirectoryView& directory,
                                            const DialPlanLimits& limits);

// Resolves `destinations` for `customer_id`. Errors name the top-level field
// (e.g. "destinations[2].target") and the rule: unknown agent, unknown extension,
// a cycle through an agent, nesting deeper than max_depth, too many destinations.
Result<DialPlan> resolve_dial_plan(const Uuid& customer_id, RingMethod ring_method,
                                   const std::vector<Address>& destinations,
                                   const DirectoryView& directory, const DialPlanLimits& limits);

}  // namespace chorus
