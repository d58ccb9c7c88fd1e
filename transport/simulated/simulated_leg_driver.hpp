#pragma once
// The simulated leg driver: every destination behaves as its target's parameters
// say (see simulated_script.hpp). Its delays run on the engine's timer service,
// and a destination with nothing left to do holds no state at all, so a million
// simulated legs stay cheap. Used by chorusd's default configuration, the tests
// and the benchmarks.

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "actors/leg_driver.hpp"
#include "actors/timer_service.hpp"
#include "transport/simulated/simulated_script.hpp"

namespace chorus {

class SimulatedLegDriver final : public LegDriver {
 public:
  static constexpr std::chrono::milliseconds default_bridge_delay{5};

  // `bridge_delay`: how long a simulated bridge takes to confirm a join or a
  // leave (0 confirms at once).
  explicit SimulatedLegDriver(std::chrono::milliseconds bridge_delay = default_bridge_delay)
      : bridge_delay_(bridge_delay) {}

  void start(TimerService& timers) override;
  void stop() override;
  void dial(const DialRequest& request) override;
  void cancel(const Uuid& call_id, LegCause cause) override;
  void hangup(const Uuid& call_id, LegCause cause) override;
  void join_bridge(const BridgeRequest& request) override;
  void leave_bridge(const BridgeRequest& request) override;
  // Records the routing instruction (the softswitch's services are not simulated)
  // and completes it after the bridge delay.
  void route(const RouteRequest& request) override;

  // A routing instruction as it was handed over.
  struct Routed {
    Uuid groupcall_id;
    Uuid master_call_id;
    std::string dest;
    std::string prefix;
    std::string value;
  };
  // The most recent instructions (at most max_routed), oldest first.
  static constexpr std::size_t max_routed = 1000;
  std::vector<Routed> routed() const;

  // Legs with a report still to come.
  std::size_t pending() const;
  // What the engine asked, for tests and diagnostics.
  std::uint64_t dials() const noexcept { return dials_.load(std::memory_order_relaxed); }
  std::uint64_t cancels() const noexcept { return cancels_.load(std::memory_order_relaxed); }
  std::uint64_t hangups() const noexcept { return hangups_.load(std::memory_order_relaxed); }

 private:
  struct Leg {
    LegLine line;
    SimulatedScript script;
    std::uint8_t next = 0;  // the script step still to come
    TimerService::Token timer;
  };
  struct Shard {
    mutable std::mutex mutex;
    // Open addressing: one slot per lookup, where a node chain cost cold misses
    // on every report, cancel and hangup at a million legs.
    boost::unordered_flat_map<Uuid, Leg, std::hash<Uuid>> legs;
  };

  Shard& shard_for(const Uuid& id) { return shards_[id.hash() % shards_.size()]; }
  // Reports every step that is due now and schedules the next one, if any.
  void play(const Uuid& call_id, LegLine line, const SimulatedScript& script, std::uint8_t next);
  void on_timer(const Uuid& call_id);
  void forget(const Uuid& call_id);
  // Confirms after bridge_delay_. Holds no state: a confirmation whose participant
  // has ended is dropped by its line, and stop() clears the timers.
  void confirm_later(BridgeLine line, BridgeReport report);

  std::chrono::milliseconds bridge_delay_;
  TimerService* timers_ = nullptr;
  mutable std::mutex routed_mutex_;
  std::deque<Routed> routed_;
  std::array<Shard, 64> shards_;
  std::atomic<std::uint64_t> dials_{0};
  std::atomic<std::uint64_t> cancels_{0};
  std::atomic<std::uint64_t> hangups_{0};
};

}  // namespace chorus
