#include "actors/directory.hpp"

#include <algorithm>
#include <mutex>
#include <string>

#include "model/field_limits.hpp"

namespace chorus {

namespace {

Status validate_addresses(const std::vector<Address>& addresses, const std::string& field,
                          std::size_t max_items) {
  if (auto status = check_count(addresses.size(), field, max_items); !status) return status;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    auto status = validate_destination(addresses[i], field + "[" + std::to_string(i) + "]");
    if (!status) return status;
  }
  return {};
}

template <class Entry>
void stamp(Entry& entry, const Entry* existing, Timestamp now) {
  if (existing) {
    entry.tm_create = existing->tm_create;
    entry.tm_update = now;
  } else {
    entry.tm_create = now;
    entry.tm_update = Timestamp::not_yet();
  }
  entry.tm_delete = Timestamp::not_yet();
}

template <class Entry>
std::vector<Entry> of_customer(const std::unordered_map<Uuid, Entry>& entries,
                               const Uuid& customer_id) {
  std::vector<Entry> result;
  for (auto& [id, entry] : entries) {
    if (entry.customer_id == customer_id) result.push_back(entry);
  }
  std::sort(result.begin(), result.end(),
            [](const Entry& a, const Entry& b) { return b.tm_create < a.tm_create; });
  return result;
}

Status validate(const Agent& agent) {
  Status status = check_text(agent.name, "name", field_limits::directory_name);
  if (status)
    status = validate_addresses(agent.addresses, "addresses", field_limits::agent_addresses);
  return status;
}

Status validate(const Extension& extension) {
  if (extension.extension.empty()) return Error::invalid("extension", "must not be empty");
  Status status = check_text(extension.extension, "extension", field_limits::extension_number);
  if (status) status = check_text(extension.name, "name", field_limits::directory_name);
  if (status) {
    status = validate_addresses(extension.contacts, "contacts", field_limits::extension_contacts);
  }
  return status;
}

}  // namespace

Result<Agent> Directory::put_agent(Agent agent, Timestamp now) {
  if (auto status = validate(agent); !status) return status.error();
  std::unique_lock<std::shared_mutex> guard(mutex_);
  const Agent* existing = nullptr;
  if (agent.id.is_zero()) {
    agent.id = Uuid::generate();
  } else if (auto i = agents_.find(agent.id); i != agents_.end()) {
    if (i->second.customer_id != agent.customer_id) return Error::not_found("agent");
    existing = &i->second;
  }
  stamp(agent, existing, now);
  agents_[agent.id] = agent;
  return agent;
}

Result<Extension> Directory::put_extension(Extension extension, Timestamp now) {
  if (auto status = validate(extension); !status) return status.error();
  std::unique_lock<std::shared_mutex> guard(mutex_);
  for (auto& [id, other] : extensions_) {
    if (other.customer_id == extension.customer_id && other.extension == extension.extension &&
        id != extension.id) {
      return Error::conflict("extension " + extension.extension + " already exists");
    }
  }
  const Extension* existing = nullptr;
  if (extension.id.is_zero()) {
    extension.id = Uuid::generate();
  } else if (auto i = extensions_.find(extension.id); i != extensions_.end()) {
    if (i->second.customer_id != extension.customer_id) return Error::not_found("extension");
    existing = &i->second;
  }
  stamp(extension, existing, now);
  extensions_[extension.id] = extension;
  return extension;
}

Result<Agent> Directory::remove_agent(const Uuid& customer_id, const Uuid& id, Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = agents_.find(id);
  if (i == agents_.end() || i->second.customer_id != customer_id) return Error::not_found("agent");
  Agent removed = std::move(i->second);
  agents_.erase(i);
  removed.tm_delete = now;
  return removed;
}

Result<Extension> Directory::remove_extension(const Uuid& customer_id, const Uuid& id,
                                              Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = extensions_.find(id);
  if (i == extensions_.end() || i->second.customer_id != customer_id) {
    return Error::not_found("extension");
  }
  Extension removed = std::move(i->second);
  extensions_.erase(i);
  removed.tm_delete = now;
  return removed;
}

void Directory::restore(Agent agent) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = agent.id;
  agents_[id] = std::move(agent);
}

void Directory::restore(Extension extension) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = extension.id;
  extensions_[id] = std::move(extension);
}

void Directory::erase(const Agent& agent) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  agents_.erase(agent.id);
}

void Directory::erase(const Extension& extension) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  extensions_.erase(extension.id);
}

std::optional<Agent> Directory::find_agent(const Uuid& customer_id, const Uuid& agent_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto i = agents_.find(agent_id);
  if (i == agents_.end() || i->second.customer_id != customer_id) return std::nullopt;
  return i->second;
}

std::optional<Extension> Directory::find_extension(const Uuid& customer_id,
                                                   const Address& address) const {
  auto id = Uuid::parse(address.target);
  std::shared_lock<std::shared_mutex> guard(mutex_);
  for (auto& [key, ext] : extensions_) {
    if (ext.customer_id != customer_id) continue;
    bool by_target =
        !address.target.empty() && ((id && *id == ext.id) || address.target == ext.extension);
    bool by_name = address.target.empty() && address.target_name == ext.extension;
    if (by_target || by_name) return ext;
  }
  return std::nullopt;
}

std::optional<Extension> Directory::find_extension_by_id(const Uuid& customer_id,
                                                         const Uuid& id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto i = extensions_.find(id);
  if (i == extensions_.end() || i->second.customer_id != customer_id) return std::nullopt;
  return i->second;
}

std::vector<Agent> Directory::agents(const Uuid& customer_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  return of_customer(agents_, customer_id);
}

std::vector<Extension> Directory::extensions(const Uuid& customer_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  return of_customer(extensions_, customer_id);
}

}  // namespace chorus
