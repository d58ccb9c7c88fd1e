#pragma once
// Failover for a node of a cluster (issue 20): a thread that renews this node's
// lease every fifth of its duration (every second by default) and, while it
// holds it, takes over any other node whose lease expired, ending that node's
// live resources exactly as a restart ends its own (calls hangup with reason
// failed, groupcalls hangup, conferencecalls leaved, conferences terminated),
// their events published like any other.
//
// When this node loses its lease (another node took it over), or cannot renew it
// for a whole lease (cut off from the store, whose survivors may take it over),
// its resources are no longer its own: it stops writing, ends every live
// resource here (the legs hung up through the driver) without storing a thing,
// then claims a new lease and ends whatever the store still says it owns. The
// store's fencing keeps a stale write out regardless.
//
// A thread of its own rather than an actor: the lease's calls block on the
// store's round trips.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/engine.hpp"
#include "actors/node_lease.hpp"

namespace chorus {

struct NodeFailoverStats {
  bool held = false;       // the lease is this node's now
  std::int64_t epoch = 0;  // the epoch this node writes under
  std::uint64_t renewal_failures = 0;
  std::uint64_t leases_lost = 0;           // times this node stopped its resources
  std::uint64_t takeovers = 0;             // other nodes' leases taken over
  std::uint64_t resources_taken_over = 0;  // their live resources, now ended
  std::size_t other_nodes = 0;             // holding a lease, as of the last renewal
};

class NodeFailover {
 public:
  // Starts at once; the lease is already claimed (the store claims it on open).
  NodeFailover(Engine& engine, std::shared_ptr<NodeLease> lease);
  ~NodeFailover();
  NodeFailover(const NodeFailover&) = delete;
  NodeFailover& operator=(const NodeFailover&) = delete;

  // This node is leaving (draining, stopping): from now on it only renews its
  // lease, so that nobody takes over what it is still ending; it takes over no
  // other node and, should it lose its lease, lets its engine's stop end the rest.
  void leave();

  NodeFailoverStats stats() const;
  // The other nodes holding a lease, as of the last renewal.
  std::vector<std::string> other_nodes() const;

 private:
  void run();
  void keep_lease();
  void take_over_expired();
  void note_other_nodes();
  void let_go(const std::string& why);
  bool claim_again();

  Engine& engine_;
  std::shared_ptr<NodeLease> lease_;
  const std::chrono::milliseconds interval_;

  std::chrono::steady_clock::time_point last_renewed_;
  bool fenced_ = false;  // let go of everything; a new claim is due
  bool settled_ = true;  // what was let go has settled in memory (none of it may be stored)
  std::string why_;      // why it was let go
  std::atomic<bool> leaving_{false};
  bool renewal_failing_ = false;

  std::atomic<bool> held_{true};
  std::atomic<std::int64_t> epoch_{0};
  std::atomic<std::uint64_t> renewal_failures_{0}, leases_lost_{0}, takeovers_{0},
      resources_taken_over_{0};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> other_nodes_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chorus
