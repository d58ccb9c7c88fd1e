#pragma once
// A node's lease on its share of a store several chorusd nodes share (issue 20):
// the port through which the engine's failover (actors/node_failover.hpp) keeps this
// node's lease and takes over the resources of a node whose lease expired. The
// PostgreSQL store implements it (actors/store/postgres_lease.hpp); a node on
// its own has none.
//
// Every live resource is owned by the node that created it, recorded with it in
// the store. Each claim of a lease starts a new epoch, and the store refuses
// every write made under an older epoch of that node (fencing): a node that lost
// its lease (frozen, cut off from the store) never writes over the node that
// took over. Expiry is judged by the store's clock, the one clock every node
// shares.
//
// Called from one thread at a time (the failover's); never throws.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "model/result.hpp"

namespace chorus {

enum class LeaseRenewal : std::uint8_t {
  held,  // extended by the lease's duration from now
  lost,  // another node took it over, or this node id was claimed again elsewhere
};

// What a takeover moved to this node: the resources a node left live.
struct TakenOver {
  std::string node_id;  // whose lease expired
  LeftLive left;        // now owned by this node, to be ended as a restart ends them
};

class NodeLease {
 public:
  virtual ~NodeLease() = default;

  virtual const std::string& node_id() const = 0;
  // How long a lease lasts unrenewed.
  virtual std::chrono::milliseconds duration() const = 0;
  // The epoch this node writes under (0 before the first claim).
  virtual std::int64_t epoch() const = 0;

  // Claims this node's lease under a new epoch, fencing every write of an earlier
  // one, and returns what this node still owns live from before: its previous
  // process's resources, or those it stopped running when it lost its lease. They
  // are this node's to end.
  virtual Result<LeftLive> claim() = 0;

  // Extends the lease by duration() from now. An error: the store could not
  // tell (unreachable); the lease runs out meanwhile.
  virtual Result<LeaseRenewal> renew() = 0;

  // Every node whose lease has not expired, this one included: the nodes a
  // change to the shared directory must reach.
  virtual Result<std::vector<std::string>> holders() = 0;

  // Takes over one other node's lease that has expired, in one transaction: its
  // epoch moves on (fencing it) and its live resources become this node's. Empty
  // when no lease has expired.
  virtual Result<std::optional<TakenOver>> take_over_expired() = 0;
};

}  // namespace chorus
