#pragma once
// The directory (agents, extensions, extension groups, ring groups, instant group
// calls) shared by the nodes of a cluster. Each node keeps the directory in memory
// and loads it from the shared store at start; a change committed on one node is
// published on chorus.directory (its table and stored body, stored_record.hpp)
// once the store has committed it and before the store answers. Every other node's
// directory takes it as it arrives (Engine::adopt_directory_change) and says so,
// and the store answers once every node holding a lease has: the client's write
// is acknowledged once every live node's directory has it. A node that does not
// answer within confirm_timeout_ms (dying, its lease about to lapse) is logged
// and counted, not waited for: the write is committed either way, and a node
// that missed it reads it at its next start.
//
// SharingStore is the publishing side: a Store that forwards everything to the
// real one and publishes the directory rows of each batch it committed.
// DirectoryFollower is the receiving side.

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/engine.hpp"
#include "actors/store.hpp"
#include "transport/cluster/nats_link.hpp"

namespace chorus {

inline constexpr const char* directory_subject = "chorus.directory";

// {"table":"<table>","body":"<stored body>"}, or nullopt for a row that is not a
// directory entry.
std::optional<std::string> encode_directory_change(const StoreRow& row);
// The row back, read as hostile: a known directory table and a body that decodes.
Result<StoreRow> decode_directory_change(std::string_view text);

class SharingStore final : public Store {
 public:
  static constexpr std::int64_t confirm_timeout_ms = 1000;
  using OtherNodes = std::function<std::vector<std::string>()>;

  SharingStore(std::shared_ptr<Store> store, std::shared_ptr<NatsLink> link)
      : store_(std::move(store)), link_(std::move(link)) {}

  // The nodes whose directories must confirm a change (NodeFailover::other_nodes);
  // until it is set, a change is acknowledged once NATS has it.
  void confirm_with(OtherNodes other_nodes);
  // Changes some node did not confirm in time.
  std::uint64_t unconfirmed() const { return unconfirmed_.load(std::memory_order_relaxed); }

  Status write(const std::vector<StoreRow>& rows) override;
  Result<std::optional<Groupcall>> groupcall(const Uuid& id) const override {
    return store_->groupcall(id);
  }
  Result<std::optional<Call>> call(const Uuid& id) const override { return store_->call(id); }
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                            std::optional<Timestamp> before) const override {
    return store_->groupcalls(customer_id, limit, before);
  }
  Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                  std::optional<Timestamp> before) const override {
    return store_->calls(customer_id, limit, before);
  }
  Result<std::optional<Conference>> conference(const Uuid& id) const override {
    return store_->conference(id);
  }
  Result<std::optional<Conferencecall>> conferencecall(const Uuid& id) const override {
    return store_->conferencecall(id);
  }
  Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before) const override {
    return store_->conferences(customer_id, limit, before);
  }
  Result<std::vector<Conferencecall>> conferencecalls(
      const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const override {
    return store_->conferencecalls(customer_id, limit, before);
  }
  Result<std::vector<MissedCall>> missed_calls(const Uuid& customer_id, const Uuid& extension_id,
                                               std::size_t limit,
                                               std::optional<Timestamp> before) const override {
    return store_->missed_calls(customer_id, extension_id, limit, before);
  }
  Result<StoredState> load() const override { return store_->load(); }
  Status probe() override { return store_->probe(); }
  Result<std::optional<std::int32_t>> next_ring_group_id() override {
    return store_->next_ring_group_id();
  }
  Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) override {
    return store_->purge(cutoff, limit);
  }

 private:
  void publish(const std::vector<std::string>& changes);

  std::shared_ptr<Store> store_;
  std::shared_ptr<NatsLink> link_;
  std::mutex other_nodes_mutex_;
  OtherNodes other_nodes_;
  std::atomic<std::uint64_t> unconfirmed_{0};
};

class DirectoryFollower {
 public:
  DirectoryFollower(std::shared_ptr<NatsLink> link, Engine& engine);
  // Drained: no change is applied after it.
  ~DirectoryFollower();
  DirectoryFollower(const DirectoryFollower&) = delete;
  DirectoryFollower& operator=(const DirectoryFollower&) = delete;

  std::uint64_t adopted() const { return adopted_.load(std::memory_order_relaxed); }

 private:
  static void on_change(natsConnection*, natsSubscription*, natsMsg* msg, void* self);

  std::shared_ptr<NatsLink> link_;
  Engine& engine_;
  natsSubscription* subscription_ = nullptr;
  std::atomic<std::uint64_t> adopted_{0};
};

}  // namespace chorus
