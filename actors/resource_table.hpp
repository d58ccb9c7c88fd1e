#pragma once
// One kind of resource (calls or groupcalls) as the engine knows it: the latest
// committed snapshot of each, the actor that owns it while it is live, and a
// per-customer index, newest first, for listing. Sharded so that lookups and
// commits from many actors rarely meet on a lock; never an actor mailbox that all
// call traffic would queue behind.

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <caf/actor_control_block.hpp>

#include "actors/newest_first_index.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

template <class Resource>
class ResourceTable {
 public:
  using Snapshot = std::shared_ptr<const Resource>;

  // Room for `count` resources without rehashing, spread over the shards.
  void reserve(std::size_t count) {
    for (auto& shard : shards_) shard.entries.reserve(count / shard_count + 1);
  }

  // A new resource, owned by `actor` (which may attach later) until it is final.
  void insert(Snapshot snapshot, caf::strong_actor_ptr actor) {
    auto id = snapshot->id;
    auto& shard = shard_for(id);
    index_insert(*snapshot);
    std::lock_guard<std::mutex> guard(shard.mutex);
    bump(shard.by_status[static_cast<std::size_t>(snapshot->status)], +1);
    shard.entries[id] = Entry{std::move(snapshot), std::move(actor), false};
    bump(shard.live, +1);
  }

  // The actor that owns a new resource, once it exists (it is spawned after the
  // resource is inserted, so that its first event finds the snapshot).
  void attach(const Uuid& id, caf::strong_actor_ptr actor) {
    auto& shard = shard_for(id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    auto i = shard.entries.find(id);
    if (i != shard.entries.end() && !i->second.final) i->second.actor = std::move(actor);
  }

  // Replaces the snapshot. A final snapshot releases the owning actor.
  void update(Snapshot snapshot, bool final) {
    auto& shard = shard_for(snapshot->id);
    caf::strong_actor_ptr released;  // released outside the lock
    {
      std::lock_guard<std::mutex> guard(shard.mutex);
      auto i = shard.entries.find(snapshot->id);
      if (i == shard.entries.end()) return;
      if (i->second.snapshot->status != snapshot->status) {
        bump(shard.by_status[static_cast<std::size_t>(i->second.snapshot->status)], -1);
        bump(shard.by_status[static_cast<std::size_t>(snapshot->status)], +1);
      }
      i->second.snapshot = std::move(snapshot);
      if (final && !i->second.final) {
        i->second.final = true;
        released.swap(i->second.actor);
        bump(shard.live, -1);
      }
    }
  }

  Snapshot find(const Uuid& id) const {
    auto& shard = shard_for(id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    auto i = shard.entries.find(id);
    return i == shard.entries.end() ? nullptr : i->second.snapshot;
  }

  // The owning actor, or null once the resource is final.
  caf::strong_actor_ptr actor(const Uuid& id) const {
    auto& shard = shard_for(id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    auto i = shard.entries.find(id);
    return i == shard.entries.end() ? nullptr : i->second.actor;
  }

  // Drops a resource from its customer's lists; it stays readable by id.
  void unlist(const Resource& r) { index_erase(r); }

  // Resources not yet final, by status (indexed by the status enum's value).
  std::size_t count_in(std::size_t status) const noexcept {
    std::size_t total = 0;
    for (auto& shard : shards_) total += shard.by_status[status].load(std::memory_order_relaxed);
    return total;
  }

  // Forgets a resource entirely (retention). Its snapshot is freed after the locks.
  void erase(const Uuid& id) {
    if (auto snapshot = take(id)) index_erase(*snapshot);
  }

  // Forgets resources entirely (retention): a groupcall's calls at once, so that
  // their customer's list (the one lock all of a customer's traffic shares) is
  // locked once for them all.
  void erase(const Uuid* first, const Uuid* last) {
    std::vector<Snapshot> gone;  // freed after every lock is released
    gone.reserve(static_cast<std::size_t>(last - first));
    for (; first != last; ++first) {
      if (auto snapshot = take(*first)) gone.push_back(std::move(snapshot));
    }
    index_erase(gone);
  }

  // A customer's resources, newest first, created strictly before `before` when given.
  std::vector<Snapshot> list(const Uuid& customer_id, std::size_t limit,
                             std::optional<Timestamp> before = std::nullopt) const {
    std::vector<Key> keys;
    {
      auto& shard = index_for(customer_id);
      std::lock_guard<std::mutex> guard(shard.mutex);
      auto c = shard.by_customer.find(customer_id);
      if (c == shard.by_customer.end()) return {};
      keys.reserve(std::min<std::size_t>(limit, 1024));
      c->second.newest(limit, before ? &*before : nullptr,
                       [&](const Key& key) { keys.push_back(key); });
    }
    std::vector<Snapshot> result;
    result.reserve(keys.size());
    for (auto& key : keys) {
      if (auto s = find(key.second)) result.push_back(std::move(s));
    }
    return result;
  }

  // Resources not yet final.
  std::size_t live() const noexcept {
    std::size_t total = 0;
    for (auto& shard : shards_) total += shard.live.load(std::memory_order_relaxed);
    return total;
  }

  // Every live resource's actor (for shutdown).
  std::vector<caf::strong_actor_ptr> live_actors() const {
    std::vector<caf::strong_actor_ptr> result;
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> guard(shard.mutex);
      for (auto& [id, entry] : shard.entries) {
        if (entry.actor) result.push_back(entry.actor);
      }
    }
    return result;
  }

 private:
  static constexpr std::size_t shard_count = 64;
  using Key = NewestFirstIndex::Key;

  struct Entry {
    Snapshot snapshot;
    caf::strong_actor_ptr actor;
    bool final = false;
  };
  // Open addressing: a lookup touches one metadata group and one slot, and an
  // erase needs no walk to a predecessor, where std::unordered_map's node chain
  // cost three cold misses per commit at a million calls (a fifth of a burst of
  // ring timeouts went to them). Its own hash mixing stays on: ids from a store
  // or a peer are not trusted to be random.
  using Entries = boost::unordered_flat_map<Uuid, Entry, std::hash<Uuid>>;
  // One cache line each, counters included: the counters are written under the
  // shard's mutex, so two workers committing to different shards never share a
  // line, where one set of engine-wide atomics bounced between the cores on every
  // status change. Readers (stats, metrics) add the shards up.
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    Entries entries;
    std::atomic<std::size_t> live{0};
    std::array<std::atomic<std::size_t>, 8> by_status{};
  };
  // Only ever written under the shard's mutex: a plain load and store, no locked
  // instruction.
  static void bump(std::atomic<std::size_t>& counter, int by) {
    counter.store(counter.load(std::memory_order_relaxed) + static_cast<std::size_t>(by),
                  std::memory_order_relaxed);
  }
  struct IndexShard {
    mutable std::mutex mutex;
    std::unordered_map<Uuid, NewestFirstIndex> by_customer;
  };

  Shard& shard_for(const Uuid& id) const { return shards_[id.hash() % shard_count]; }
  IndexShard& index_for(const Uuid& customer) const {
    return index_[customer.hash() % shard_count];
  }
  void index_insert(const Resource& r) {
    auto& shard = index_for(r.customer_id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    shard.by_customer[r.customer_id].insert(Key{r.tm_create, r.id});
  }
  void index_erase(const Resource& r) {
    auto& shard = index_for(r.customer_id);
    std::lock_guard<std::mutex> guard(shard.mutex);
    index_erase_locked(shard, r);
  }
  // Each run of one customer's resources under one lock.
  void index_erase(const std::vector<Snapshot>& resources) {
    for (std::size_t i = 0; i < resources.size();) {
      auto& customer = resources[i]->customer_id;
      auto& shard = index_for(customer);
      std::lock_guard<std::mutex> guard(shard.mutex);
      for (; i < resources.size() && resources[i]->customer_id == customer; ++i) {
        index_erase_locked(shard, *resources[i]);
      }
    }
  }
  static void index_erase_locked(IndexShard& shard, const Resource& r) {
    auto c = shard.by_customer.find(r.customer_id);
    if (c == shard.by_customer.end()) return;
    c->second.erase(Key{r.tm_create, r.id});
    if (c->second.empty()) shard.by_customer.erase(c);
  }

  // Removes a resource's entry and hands back its snapshot (null when unknown).
  Snapshot take(const Uuid& id) {
    Entry gone;  // its actor, if it still has one, is released after the lock
    {
      auto& shard = shard_for(id);
      std::lock_guard<std::mutex> guard(shard.mutex);
      auto i = shard.entries.find(id);
      if (i == shard.entries.end()) return nullptr;
      gone = std::move(i->second);
      shard.entries.erase(i);
      if (!gone.final) bump(shard.live, -1);
      bump(shard.by_status[static_cast<std::size_t>(gone.snapshot->status)], -1);
    }
    return std::move(gone.snapshot);
  }

  mutable std::array<Shard, shard_count> shards_;
  mutable std::array<IndexShard, shard_count> index_;
};

}  // namespace chorus
