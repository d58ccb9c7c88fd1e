#pragma once
// The directory nested groupcalls ring through: agents, extensions, extension
// groups and ring groups, per customer. Embedding code and the REST APIs fill it;
// dial-plan resolution reads it when a groupcall is created. Read-mostly, so a
// shared lock suffices.
//
// A ring group's number is unique among its customer's ring groups and
// extensions; its id is an integer assigned from one sequence for every customer
// (Yeastar's), never reused: the next is one more than the highest ever seen.
//
// An instant group call is keyed by Chorus's id; its serviceUserId, and its
// phoneNumber when it has one, are each unique within its customer (the dial plan
// finds it by either), and a PUT may rename the serviceUserId under the same id.

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/dial_plan.hpp"
#include "model/directory_entry.hpp"
#include "model/instant_group_call.hpp"
#include "model/result.hpp"

namespace chorus {

class Directory final : public DirectoryView {
 public:
  // Creates (zero id: a new id is assigned) or replaces an agent; validates its
  // addresses and ring_method. `now` stamps tm_create or tm_update.
  Result<Agent> put_agent(Agent agent, Timestamp now);
  Result<Extension> put_extension(Extension extension, Timestamp now);
  // Removes; the returned entry carries tm_delete.
  Result<Agent> remove_agent(const Uuid& customer_id, const Uuid& id, Timestamp now);
  Result<Extension> remove_extension(const Uuid& customer_id, const Uuid& id, Timestamp now);
  // Each entry must name an extension of the customer (its id or number); a name
  // is unique per customer.
  Result<ExtensionGroup> put_extension_group(ExtensionGroup group, Timestamp now);
  Result<ExtensionGroup> remove_extension_group(const Uuid& customer_id, const Uuid& id,
                                                Timestamp now);
  // Id 0 creates and assigns the next id; another id updates that group (not_found
  // when there is none of the customer's). Members must name the customer's
  // extensions and extension groups.
  // A new group (id 0) takes `new_id` when it is given (a shared store handed it
  // out), else the next id this directory has not seen.
  Result<RingGroup> put_ring_group(RingGroup group, Timestamp now, std::int32_t new_id = 0);
  Result<RingGroup> remove_ring_group(const Uuid& customer_id, std::int32_t id, Timestamp now);
  // A zero id creates; another id replaces that service of the customer's
  // (not_found otherwise), its serviceUserId included.
  Result<InstantGroupCall> put_instant_group_call(InstantGroupCall service, Timestamp now);
  Result<InstantGroupCall> remove_instant_group_call(const Uuid& customer_id, const Uuid& id,
                                                     Timestamp now);
  // Sets `active` of services of one group under one lock, all or none: not_found
  // naming the first serviceUserId the group does not have. Returns every service
  // changed, in the order of `changes`.
  Result<std::vector<InstantGroupCall>> set_instant_group_calls_active(
      const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
      const std::vector<std::pair<std::string, bool>>& changes, Timestamp now);

  // Puts back an entry as the store kept it (at start), stamps untouched.
  void restore(Agent agent);
  void restore(Extension extension);
  void restore(ExtensionGroup group);
  void restore(RingGroup group);
  void restore(InstantGroupCall service);
  // Ids up to `highest` were handed out before (deleted groups included): the next
  // ring group gets a higher one.
  void reserve_ring_group_ids(std::int32_t highest);
  // Forgets an entry a refused write had added.
  void erase(const Agent& agent);
  void erase(const Extension& extension);
  void erase(const ExtensionGroup& group);
  void erase(const RingGroup& group);
  void erase(const InstantGroupCall& service);

  std::optional<Agent> find_agent(const Uuid& customer_id, const Uuid& agent_id) const override;
  std::optional<Extension> find_extension(const Uuid& customer_id,
                                          const Address& address) const override;
  std::optional<Extension> find_extension_by_id(const Uuid& customer_id, const Uuid& id) const;
  std::vector<Agent> agents(const Uuid& customer_id) const;
  std::vector<Extension> extensions(const Uuid& customer_id) const;
  // By number, else by id written as digits.
  std::optional<RingGroup> find_ring_group(const Uuid& customer_id,
                                           std::string_view number) const override;
  // By id, else by name.
  std::optional<ExtensionGroup> find_extension_group(const Uuid& customer_id,
                                                     std::string_view id_or_name) const override;
  std::optional<RingGroup> find_ring_group_by_id(const Uuid& customer_id, std::int32_t id) const;
  std::optional<ExtensionGroup> find_extension_group_by_id(const Uuid& customer_id,
                                                           const Uuid& id) const;
  std::vector<ExtensionGroup> extension_groups(const Uuid& customer_id) const;  // newest first
  std::vector<RingGroup> ring_groups(const Uuid& customer_id) const;            // by id
  // By serviceUserId, else by phoneNumber.
  std::optional<InstantGroupCall> find_instant_group_call(
      const Uuid& customer_id, std::string_view service_user_id_or_number) const override;
  std::optional<InstantGroupCall> find_instant_group_call_by_id(const Uuid& customer_id,
                                                                const Uuid& id) const;
  // One group's service by serviceUserId, and every service of a group by it.
  std::optional<InstantGroupCall> instant_group_call(const Uuid& customer_id,
                                                     const std::string& tenant_id,
                                                     const std::string& group_id,
                                                     std::string_view service_user_id) const;
  std::vector<InstantGroupCall> instant_group_calls(const Uuid& customer_id,
                                                    const std::string& tenant_id,
                                                    const std::string& group_id) const;

 private:
  // The lookups below expect the lock held.
  const Extension* extension_named(const Uuid& customer_id, std::string_view id_or_number) const;
  const ExtensionGroup* extension_group_named(const Uuid& customer_id,
                                              std::string_view id_or_name) const;
  const RingGroup* ring_group_numbered(const Uuid& customer_id, std::string_view number) const;
  Status check_references(const RingGroup& group) const;
  const InstantGroupCall* instant_group_call_where(const Uuid& customer_id,
                                                   std::string InstantGroupCall::*field,
                                                   std::string_view value) const;
  Status check_unique(const InstantGroupCall& service) const;

  mutable std::shared_mutex mutex_;
  std::unordered_map<Uuid, Agent> agents_;
  std::unordered_map<Uuid, Extension> extensions_;
  std::unordered_map<Uuid, ExtensionGroup> extension_groups_;
  std::map<std::int32_t, RingGroup> ring_groups_;  // every customer's, by id
  std::int32_t highest_ring_group_id_ = 0;
  std::unordered_map<Uuid, InstantGroupCall> instant_group_calls_;
};

}  // namespace chorus
