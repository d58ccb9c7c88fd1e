#pragma once
// A store for engine tests: rows in memory, and the faults and delays a disk
// gives, on demand: a commit can be held at a gate (to see what waits for it) or
// failed with a cause (to see what is refused and what is retried).

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/store.hpp"
#include "model/conference_transitions.hpp"

namespace chorus::test {

class FakeStore final : public Store {
 public:
  Status write(const std::vector<StoreRow>& rows) override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++writes_entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (fault_) return Error::unavailable(*fault_);
    for (auto& row : rows) std::visit([&](const auto& r) { keep(r); }, row);
    batch_sizes_.push_back(rows.size());
    changed_.notify_all();
    return {};
  }

  Result<std::optional<Groupcall>> groupcall(const Uuid& id) const override {
    return find(groupcalls_, id);
  }
  Result<std::optional<Call>> call(const Uuid& id) const override { return find(calls_, id); }
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer, std::size_t limit,
                                            std::optional<Timestamp> before) const override {
    return list(groupcalls_, customer, limit, before);
  }
  Result<std::vector<Call>> calls(const Uuid& customer, std::size_t limit,
                                  std::optional<Timestamp> before) const override {
    return list(calls_, customer, limit, before);
  }
  Result<std::optional<Conference>> conference(const Uuid& id) const override {
    return find(conferences_, id);
  }
  Result<std::optional<Conferencecall>> conferencecall(const Uuid& id) const override {
    return find(conferencecalls_, id);
  }
  Result<std::vector<Conference>> conferences(const Uuid& customer, std::size_t limit,
                                              std::optional<Timestamp> before) const override {
    return list(conferences_, customer, limit, before);
  }
  Result<std::vector<Conferencecall>> conferencecalls(
      const Uuid& customer, std::size_t limit, std::optional<Timestamp> before) const override {
    return list(conferencecalls_, customer, limit, before);
  }
  Result<std::vector<MissedCall>> missed_calls(const Uuid& customer, const Uuid& extension,
                                               std::size_t limit,
                                               std::optional<Timestamp> before) const override {
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<MissedCall> result;
    for (auto& [id, m] : missed_calls_) {
      if (m.customer_id != customer || m.extension_id != extension) continue;
      if (before && !(m.tm_create < *before)) continue;
      result.push_back(m);
    }
    std::sort(result.begin(), result.end(),
              [](const MissedCall& a, const MissedCall& b) { return b.tm_create < a.tm_create; });
    if (result.size() > limit) result.resize(limit);
    return result;
  }
  Result<StoredState> load() const override {
    std::lock_guard<std::mutex> guard(mutex_);
    StoredState state;
    for (auto& [id, g] : extension_groups_) {
      if (!g.tm_delete.is_set()) state.extension_groups.push_back(g);
    }
    for (auto& [id, g] : ring_groups_) {
      state.highest_ring_group_id = std::max(state.highest_ring_group_id, g.id);
      if (!g.tm_delete.is_set()) state.ring_groups.push_back(g);
    }
    for (auto& [id, a] : agents_) {
      if (!a.tm_delete.is_set()) state.agents.push_back(a);
    }
    for (auto& [id, s] : instant_group_calls_) {
      if (!s.tm_delete.is_set()) state.instant_group_calls.push_back(s);
    }
    for (auto& [id, e] : extensions_) {
      if (!e.tm_delete.is_set()) state.extensions.push_back(e);
    }
    for (auto& [id, g] : groupcalls_) {
      if (g.status != GroupcallStatus::hangup) state.live_groupcalls.push_back(g);
    }
    for (auto& [id, c] : calls_) {
      if (c.status != CallStatus::hangup) state.live_calls.push_back(c);
    }
    for (auto& [id, c] : conferences_) {
      if (!is_final(c.status)) state.live_conferences.push_back(c);
    }
    for (auto& [id, p] : conferencecalls_) {
      if (!is_final(p.status)) state.live_conferencecalls.push_back(p);
    }
    return state;
  }
  Result<std::size_t> purge(Timestamp, std::size_t) override { return std::size_t{0}; }
  Status probe() override {
    std::lock_guard<std::mutex> guard(mutex_);
    if (fault_) return Error::unavailable(*fault_);
    return {};
  }

  // Commits wait at the gate while it is held.
  void hold() {
    std::lock_guard<std::mutex> guard(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard<std::mutex> guard(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  // Waits until `n` commits have reached write() (held or not).
  bool await_writes(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return writes_entered_ >= n; });
  }
  void fail_with(std::optional<std::string> cause) {
    std::lock_guard<std::mutex> guard(mutex_);
    fault_ = std::move(cause);
  }
  std::vector<std::size_t> batch_sizes() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return batch_sizes_;
  }
  std::optional<Call> stored_call(const Uuid& id) const { return *find(calls_, id); }
  std::optional<Groupcall> stored_groupcall(const Uuid& id) const { return *find(groupcalls_, id); }
  std::optional<Agent> stored_agent(const Uuid& id) const { return *find(agents_, id); }
  std::optional<Conference> stored_conference(const Uuid& id) const {
    return *find(conferences_, id);
  }
  std::optional<Conferencecall> stored_conferencecall(const Uuid& id) const {
    return *find(conferencecalls_, id);
  }

  // Rows as a previous process left them.
  void put(const Call& c) { keep(std::make_shared<const Call>(c)); }
  void put(const Groupcall& g) { keep(std::make_shared<const Groupcall>(g)); }
  void put(const Agent& a) { keep(std::make_shared<const Agent>(a)); }
  void put(const Conference& c) { keep(std::make_shared<const Conference>(c)); }
  void put(const Conferencecall& c) { keep(std::make_shared<const Conferencecall>(c)); }

 private:
  template <class Resource>
  void keep_in(std::map<Uuid, Resource>& table, const std::shared_ptr<const Resource>& r) {
    table[r->id] = *r;
  }
  void keep(const std::shared_ptr<const Groupcall>& r) { keep_in(groupcalls_, r); }
  void keep(const std::shared_ptr<const Call>& r) { keep_in(calls_, r); }
  void keep(const std::shared_ptr<const Agent>& r) { keep_in(agents_, r); }
  void keep(const std::shared_ptr<const Extension>& r) { keep_in(extensions_, r); }
  void keep(const std::shared_ptr<const Conference>& r) { keep_in(conferences_, r); }
  void keep(const std::shared_ptr<const Conferencecall>& r) { keep_in(conferencecalls_, r); }
  void keep(const std::shared_ptr<const ExtensionGroup>& r) { keep_in(extension_groups_, r); }
  void keep(const std::shared_ptr<const RingGroup>& r) { ring_groups_[r->id] = *r; }
  void keep(const std::shared_ptr<const MissedCall>& r) { keep_in(missed_calls_, r); }
  void keep(const std::shared_ptr<const InstantGroupCall>& r) { keep_in(instant_group_calls_, r); }

  template <class Resource>
  Result<std::optional<Resource>> find(const std::map<Uuid, Resource>& table,
                                       const Uuid& id) const {
    std::lock_guard<std::mutex> guard(mutex_);
    auto i = table.find(id);
    if (i == table.end()) return std::optional<Resource>();
    return std::optional<Resource>(i->second);
  }

  template <class Resource>
  Result<std::vector<Resource>> list(const std::map<Uuid, Resource>& table, const Uuid& customer,
                                     std::size_t limit, std::optional<Timestamp> before) const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<Resource> result;
    for (auto& [id, r] : table) {
      if (r.customer_id != customer || r.tm_delete.is_set()) continue;
      if (before && !(r.tm_create < *before)) continue;
      result.push_back(r);
    }
    std::sort(result.begin(), result.end(),
              [](const Resource& a, const Resource& b) { return b.tm_create < a.tm_create; });
    if (result.size() > limit) result.resize(limit);
    return result;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  std::size_t writes_entered_ = 0;
  std::optional<std::string> fault_;
  std::vector<std::size_t> batch_sizes_;
  std::map<Uuid, Groupcall> groupcalls_;
  std::map<Uuid, Call> calls_;
  std::map<Uuid, Agent> agents_;
  std::map<Uuid, Extension> extensions_;
  std::map<Uuid, Conference> conferences_;
  std::map<Uuid, Conferencecall> conferencecalls_;
  std::map<Uuid, ExtensionGroup> extension_groups_;
  std::map<std::int32_t, RingGroup> ring_groups_;
  std::map<Uuid, MissedCall> missed_calls_;
  std::map<Uuid, InstantGroupCall> instant_group_calls_;
};

}  // namespace chorus::test
