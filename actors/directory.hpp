#pragma once
// The directory nested groupcalls ring through: agents and extensions, per
// customer. Embedding code (and later the REST API) fills it; dial-plan resolution
// reads it when a groupcall is created. Read-mostly, so a shared lock suffices.

#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "model/dial_plan.hpp"
#include "model/directory_entry.hpp"
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

  // Puts back an entry as the store kept it (at start), stamps untouched.
  void restore(Agent agent);
  void restore(Extension extension);
  // Forgets an entry a refused write had added.
  void erase(const Agent& agent);
  void erase(const Extension& extension);

  std::optional<Agent> find_agent(const Uuid& customer_id, const Uuid& agent_id) const override;
  std::optional<Extension> find_extension(const Uuid& customer_id,
                                          const Address& address) const override;
  std::optional<Extension> find_extension_by_id(const Uuid& customer_id, const Uuid& id) const;
  std::vector<Agent> agents(const Uuid& customer_id) const;
  std::vector<Extension> extensions(const Uuid& customer_id) const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<Uuid, Agent> agents_;
  std::unordered_map<Uuid, Extension> extensions_;
};

}  // namespace chorus
