#include "actors/directory.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <mutex>
#include <string>

#include "model/field_limits.hpp"
#include "model/instant_group_call_rules.hpp"
#include "model/ring_group_rules.hpp"

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

// A number someone else holds: a conflict that still names the field.
Error taken(const char* field, const std::string& number, const std::string& holder) {
  Error error = Error::conflict(std::string(field) + ": " + number + " is already " + holder);
  error.field = field;
  return error;
}

// The fields by which the dial plan and the APIO paths find a service, each unique
// within its customer: a second holder would make a number ring the wrong one.
struct UniqueServiceField {
  std::string InstantGroupCall::*member;
  const char* field;  // APIO's JSON path
  const char* what;
};
constexpr UniqueServiceField unique_service_fields[] = {
    {&InstantGroupCall::service_user_id, "serviceUserId", "the serviceUserId"},
    {&InstantGroupCall::phone_number, "serviceInstanceProfile.phoneNumber", "the phone number"},
};

Error unknown_service(const std::string& service_user_id) {
  Error error = Error::not_found("instant group call " + service_user_id);
  error.field = "serviceUserId";
  return error;
}

std::optional<std::int32_t> parse_id(std::string_view digits) {
  std::int32_t id = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (error != std::errc() || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

std::string member_path(std::size_t i, const std::optional<std::size_t>& sub) {
  std::string path = "member_list[" + std::to_string(i) + "]";
  if (sub) path += ".sub_option[" + std::to_string(*sub) + "]";
  return path + ".value";
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
  if (auto* group = ring_group_numbered(extension.customer_id, extension.extension)) {
    return taken("extension", extension.extension,
                 "the number of ring group " + std::to_string(group->id));
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

Result<ExtensionGroup> Directory::put_extension_group(ExtensionGroup group, Timestamp now) {
  if (auto status = validate_extension_group(group); !status) return status.error();
  std::unique_lock<std::shared_mutex> guard(mutex_);
  for (auto& [id, other] : extension_groups_) {
    if (other.customer_id == group.customer_id && other.name == group.name && id != group.id) {
      return taken("name", group.name, "the name of extension group " + id.to_string());
    }
  }
  for (std::size_t i = 0; i < group.extensions.size(); ++i) {
    if (!extension_named(group.customer_id, group.extensions[i])) {
      return Error::invalid("extensions[" + std::to_string(i) + "]",
                            "names no extension of this customer");
    }
  }
  const ExtensionGroup* existing = nullptr;
  if (group.id.is_zero()) {
    group.id = Uuid::generate();
  } else if (auto i = extension_groups_.find(group.id); i != extension_groups_.end()) {
    if (i->second.customer_id != group.customer_id) return Error::not_found("extension group");
    existing = &i->second;
  }
  stamp(group, existing, now);
  extension_groups_[group.id] = group;
  return group;
}

Result<ExtensionGroup> Directory::remove_extension_group(const Uuid& customer_id, const Uuid& id,
                                                         Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = extension_groups_.find(id);
  if (i == extension_groups_.end() || i->second.customer_id != customer_id) {
    return Error::not_found("extension group");
  }
  ExtensionGroup removed = std::move(i->second);
  extension_groups_.erase(i);
  removed.tm_delete = now;
  return removed;
}

// Every extension and ext_group member names one of the customer's, as it stands
// now; a reference that goes away later is skipped when the group rings.
Status Directory::check_references(const RingGroup& group) const {
  auto check = [&](const RingGroupMember& member, std::size_t i,
                   std::optional<std::size_t> sub) -> Status {
    if (member.type == RingGroupMemberType::extension &&
        !extension_named(group.customer_id, member.value)) {
      return Error::invalid(member_path(i, sub), "names no extension of this customer");
    }
    if (member.type == RingGroupMemberType::ext_group &&
        !extension_group_named(group.customer_id, member.value)) {
      return Error::invalid(member_path(i, sub), "names no extension group of this customer");
    }
    return {};
  };
  for (std::size_t i = 0; i < group.member_list.size(); ++i) {
    const auto& member = group.member_list[i];
    if (auto status = check(member, i, std::nullopt); !status) return status;
    if (!member.sub_option) continue;
    for (std::size_t j = 0; j < member.sub_option->size(); ++j) {
      if (auto status = check((*member.sub_option)[j], i, j); !status) return status;
    }
  }
  const std::pair<FailoverDest, const std::string*> extension_dests[] = {
      {group.fail_dest, &group.fail_dest_value},
      {group.no_agent_online_dest, &group.no_agent_online_value},
  };
  const char* fields[] = {"fail_dest_value", "no_agent_online_value"};
  for (std::size_t i = 0; i < 2; ++i) {
    auto [dest, value] = extension_dests[i];
    if (dest == FailoverDest::extension && !extension_named(group.customer_id, *value)) {
      return Error::invalid(fields[i], "names no extension of this customer");
    }
  }
  return {};
}

Result<RingGroup> Directory::put_ring_group(RingGroup group, Timestamp now, std::int32_t new_id) {
  if (auto status = validate_ring_group(group); !status) return status.error();
  std::unique_lock<std::shared_mutex> guard(mutex_);
  const RingGroup* existing = nullptr;
  if (group.id != 0) {
    auto i = ring_groups_.find(group.id);
    if (i == ring_groups_.end() || i->second.customer_id != group.customer_id) {
      return Error::not_found("ring group");
    }
    existing = &i->second;
  }
  if (auto* other = ring_group_numbered(group.customer_id, group.number);
      other && other->id != group.id) {
    return taken("number", group.number, "the number of ring group " + std::to_string(other->id));
  }
  for (auto& [id, ext] : extensions_) {
    if (ext.customer_id == group.customer_id && ext.extension == group.number) {
      return taken("number", group.number, "the number of extension " + id.to_string());
    }
  }
  if (auto status = check_references(group); !status) return status.error();
  if (!existing && new_id > 0) {
    group.id = new_id;
    highest_ring_group_id_ = std::max(highest_ring_group_id_, new_id);
  } else if (!existing) {
    if (highest_ring_group_id_ == std::numeric_limits<std::int32_t>::max()) {
      return Error::limit("id", "id: every ring group id has been assigned");
    }
    group.id = ++highest_ring_group_id_;
  }
  stamp(group, existing, now);
  ring_groups_[group.id] = group;
  return group;
}

Result<RingGroup> Directory::remove_ring_group(const Uuid& customer_id, std::int32_t id,
                                               Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = ring_groups_.find(id);
  if (i == ring_groups_.end() || i->second.customer_id != customer_id) {
    return Error::not_found("ring group");
  }
  RingGroup removed = std::move(i->second);
  ring_groups_.erase(i);
  removed.tm_delete = now;
  return removed;
}

const InstantGroupCall* Directory::instant_group_call_where(const Uuid& customer_id,
                                                            std::string InstantGroupCall::*field,
                                                            std::string_view value) const {
  if (value.empty()) return nullptr;  // an empty phone number is nobody's
  for (auto& [id, service] : instant_group_calls_) {
    if (service.customer_id == customer_id && service.*field == value) return &service;
  }
  return nullptr;
}

Status Directory::check_unique(const InstantGroupCall& service) const {
  for (const auto& unique : unique_service_fields) {
    const auto* holder =
        instant_group_call_where(service.customer_id, unique.member, service.*unique.member);
    if (holder && holder->id != service.id) {
      return taken(unique.field, service.*unique.member,
                   std::string(unique.what) + " of instant group call " + holder->service_user_id);
    }
  }
  return {};
}

Result<InstantGroupCall> Directory::put_instant_group_call(InstantGroupCall service,
                                                           Timestamp now) {
  // The dialect ran these rules already; embedding code may not have.
  if (auto status = validate_instant_group_call(service); !status) return status.error();
  std::unique_lock<std::shared_mutex> guard(mutex_);
  const InstantGroupCall* existing = nullptr;
  if (!service.id.is_zero()) {
    auto i = instant_group_calls_.find(service.id);
    if (i == instant_group_calls_.end() || i->second.customer_id != service.customer_id) {
      return Error::not_found("instant group call");
    }
    existing = &i->second;
  }
  if (auto status = check_unique(service); !status) return status.error();
  if (!existing) service.id = Uuid::generate();
  stamp(service, existing, now);
  instant_group_calls_[service.id] = service;
  return service;
}

Result<InstantGroupCall> Directory::remove_instant_group_call(const Uuid& customer_id,
                                                              const Uuid& id, Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = instant_group_calls_.find(id);
  if (i == instant_group_calls_.end() || i->second.customer_id != customer_id) {
    return Error::not_found("instant group call");
  }
  InstantGroupCall removed = std::move(i->second);
  instant_group_calls_.erase(i);
  removed.tm_delete = now;
  return removed;
}

Result<std::vector<InstantGroupCall>> Directory::set_instant_group_calls_active(
    const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
    const std::vector<std::pair<std::string, bool>>& changes, Timestamp now) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  // The group's services by serviceUserId, once: a long list of changes costs one
  // pass over the directory, not one per change.
  std::unordered_map<std::string_view, InstantGroupCall*> in_group;
  for (auto& [id, service] : instant_group_calls_) {
    if (service.customer_id == customer_id && service.tenant_id == tenant_id &&
        service.group_id == group_id) {
      in_group.emplace(service.service_user_id, &service);
    }
  }
  // Every one found before any is touched: a refusal changes nothing.
  std::vector<InstantGroupCall*> targets;
  targets.reserve(changes.size());
  for (const auto& change : changes) {
    auto i = in_group.find(change.first);
    if (i == in_group.end()) return unknown_service(change.first);
    targets.push_back(i->second);
  }
  std::vector<InstantGroupCall> changed;
  changed.reserve(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    targets[i]->active = changes[i].second;
    targets[i]->tm_update = now;
    changed.push_back(*targets[i]);
  }
  return changed;
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

void Directory::restore(ExtensionGroup group) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = group.id;
  extension_groups_[id] = std::move(group);
}

void Directory::restore(RingGroup group) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = group.id;
  highest_ring_group_id_ = std::max(highest_ring_group_id_, id);
  ring_groups_[id] = std::move(group);
}

void Directory::restore(InstantGroupCall service) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = service.id;
  instant_group_calls_[id] = std::move(service);
}

void Directory::reserve_ring_group_ids(std::int32_t highest) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  highest_ring_group_id_ = std::max(highest_ring_group_id_, highest);
}

void Directory::erase(const ExtensionGroup& group) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  extension_groups_.erase(group.id);
}

void Directory::erase(const RingGroup& group) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  ring_groups_.erase(group.id);
}

void Directory::erase(const InstantGroupCall& service) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  instant_group_calls_.erase(service.id);
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

const Extension* Directory::extension_named(const Uuid& customer_id,
                                            std::string_view id_or_number) const {
  if (auto id = Uuid::parse(id_or_number)) {
    auto i = extensions_.find(*id);
    if (i != extensions_.end() && i->second.customer_id == customer_id) return &i->second;
  }
  for (auto& [key, ext] : extensions_) {
    if (ext.customer_id == customer_id && ext.extension == id_or_number) return &ext;
  }
  return nullptr;
}

const ExtensionGroup* Directory::extension_group_named(const Uuid& customer_id,
                                                       std::string_view id_or_name) const {
  if (auto id = Uuid::parse(id_or_name)) {
    auto i = extension_groups_.find(*id);
    if (i != extension_groups_.end() && i->second.customer_id == customer_id) return &i->second;
  }
  for (auto& [key, group] : extension_groups_) {
    if (group.customer_id == customer_id && group.name == id_or_name) return &group;
  }
  return nullptr;
}

const RingGroup* Directory::ring_group_numbered(const Uuid& customer_id,
                                                std::string_view number) const {
  for (auto& [id, group] : ring_groups_) {
    if (group.customer_id == customer_id && group.number == number) return &group;
  }
  return nullptr;
}

std::optional<RingGroup> Directory::find_ring_group(const Uuid& customer_id,
                                                    std::string_view number) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  if (auto* group = ring_group_numbered(customer_id, number)) return *group;
  if (auto id = parse_id(number)) {
    auto i = ring_groups_.find(*id);
    if (i != ring_groups_.end() && i->second.customer_id == customer_id) return i->second;
  }
  return std::nullopt;
}

std::optional<ExtensionGroup> Directory::find_extension_group(const Uuid& customer_id,
                                                              std::string_view id_or_name) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  if (auto* group = extension_group_named(customer_id, id_or_name)) return *group;
  return std::nullopt;
}

std::optional<RingGroup> Directory::find_ring_group_by_id(const Uuid& customer_id,
                                                          std::int32_t id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto i = ring_groups_.find(id);
  if (i == ring_groups_.end() || i->second.customer_id != customer_id) return std::nullopt;
  return i->second;
}

std::optional<ExtensionGroup> Directory::find_extension_group_by_id(const Uuid& customer_id,
                                                                    const Uuid& id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto i = extension_groups_.find(id);
  if (i == extension_groups_.end() || i->second.customer_id != customer_id) return std::nullopt;
  return i->second;
}

std::vector<ExtensionGroup> Directory::extension_groups(const Uuid& customer_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  return of_customer(extension_groups_, customer_id);
}

std::vector<RingGroup> Directory::ring_groups(const Uuid& customer_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  std::vector<RingGroup> result;
  for (auto& [id, group] : ring_groups_) {
    if (group.customer_id == customer_id) result.push_back(group);
  }
  return result;
}

std::optional<InstantGroupCall> Directory::find_instant_group_call(
    const Uuid& customer_id, std::string_view service_user_id_or_number) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  for (const auto& unique : unique_service_fields) {
    if (auto* service =
            instant_group_call_where(customer_id, unique.member, service_user_id_or_number)) {
      return *service;
    }
  }
  return std::nullopt;
}

std::optional<InstantGroupCall> Directory::find_instant_group_call_by_id(const Uuid& customer_id,
                                                                         const Uuid& id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto i = instant_group_calls_.find(id);
  if (i == instant_group_calls_.end() || i->second.customer_id != customer_id) return std::nullopt;
  return i->second;
}

std::optional<InstantGroupCall> Directory::instant_group_call(
    const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
    std::string_view service_user_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  auto* service =
      instant_group_call_where(customer_id, &InstantGroupCall::service_user_id, service_user_id);
  if (!service || service->tenant_id != tenant_id || service->group_id != group_id) {
    return std::nullopt;
  }
  return *service;
}

std::vector<InstantGroupCall> Directory::instant_group_calls(const Uuid& customer_id,
                                                             const std::string& tenant_id,
                                                             const std::string& group_id) const {
  std::shared_lock<std::shared_mutex> guard(mutex_);
  std::vector<InstantGroupCall> result;
  for (auto& [id, service] : instant_group_calls_) {
    if (service.customer_id == customer_id && service.tenant_id == tenant_id &&
        service.group_id == group_id) {
      result.push_back(service);
    }
  }
  std::sort(result.begin(), result.end(),
            [](const auto& a, const auto& b) { return a.service_user_id < b.service_user_id; });
  return result;
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
