#pragma once
// What every engine actor shares: the options, the registry, the directory, the
// event bus, the timers, the leg driver, the store and the supervisors. One per engine; it
// outlives every actor that points to it.

#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/conference_peers.hpp"
#include "actors/directory.hpp"
#include "actors/event_bus.hpp"
#include "actors/latency_histogram.hpp"
#include "actors/leg_driver.hpp"
#include "actors/messages.hpp"
#include "actors/missed_calls.hpp"
#include "actors/registry.hpp"
#include "actors/store.hpp"
#include "actors/store_writer.hpp"
#include "actors/supervised_timers.hpp"
#include "config/engine_options.hpp"
#include "model/timestamp.hpp"

namespace chorus {

// Wall-clock timestamps. Creation times never repeat or go backwards within the
// engine, so tm_create orders resources strictly (pagination relies on it).
class WallClock {
 public:
  Timestamp now() const noexcept;
  Timestamp creation_time() noexcept;

 private:
  std::atomic<std::int64_t> last_{0};
};

struct EngineContext {
  EngineContext(caf::actor_system& system, const EngineOptions& options,
                std::shared_ptr<LegDriver> driver, std::size_t shards,
                std::shared_ptr<Store> store);

  // With a store, the registry takes a snapshot once it is committed: what the
  // API reads never runs ahead of the disk.
  void follow(const StoreRow& row);

  // A node of a cluster: the other nodes, as conferences and participants see them
  // (conference_peers.hpp); null on a lone node. Connected and disconnected while
  // actors run, hence the atomic access.
  std::shared_ptr<ConferencePeers> peers() const { return std::atomic_load(&conference_peers); }

  supervisor_actor supervisor_for(const Uuid& id) const {
    return supervisors[id.hash() % supervisors.size()];
  }

  caf::actor_system& system;
  EngineOptions options;
  std::shared_ptr<LegDriver> driver;
  // Null when the engine keeps everything in memory only.
  std::shared_ptr<Store> store;
  Registry registry;
  Directory directory;
  // Without a store: the missed ring-group calls, per extension.
  MissedCallLog missed_calls;
  EventBus bus;
  SupervisedTimers timers;
  WallClock clock;
  std::vector<supervisor_actor> supervisors;
  // Read through peers(), set through Engine::connect_conference_peers.
  std::shared_ptr<ConferencePeers> conference_peers;
  // From a ring timer's deadline to its cancels being sent to the legs.
  LatencyHistogram ring_timeout_lateness;
  // Legs that reached hangup, by hangup_reason (indexed by the enum's value).
  std::array<std::atomic<std::uint64_t>, 9> legs_ended_by_reason{};
  std::atomic<std::uint64_t> legs_dialled{0};
  // With a store: the thread that commits rows and then lets their events out.
  // Declared last so that it stops (committing what is queued, publishing on the
  // bus) before anything it publishes through goes away.
  std::unique_ptr<StoreWriter> writer;
};

}  // namespace chorus
