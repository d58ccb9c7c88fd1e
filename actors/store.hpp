#pragma once
// The store: the port through which every state change reaches disk. The engine
// owns this interface; backends implement it (SQLite beside it in actors/store/,
// PostgreSQL for a cluster later). Nothing above it sees SQL.
//
// A backend is called from two sides. The store writer (one thread) calls
// write() and purge(); readers (REST threads) call the lookups concurrently.
// Every method is safe from any thread and never throws: failures come back as
// an Error whose message names the cause ("disk full", "read-only", ...).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/directory_entry.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/instant_group_call.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus {

// One row to write: the latest snapshot of one resource. A resource's row is
// replaced as a whole; a tm_delete that is set drops it from lists (and, for
// directory entries, from the directory loaded at start). A missed call is
// written once and never changes.
using StoreRow =
    std::variant<std::shared_ptr<const Groupcall>, std::shared_ptr<const Call>,
                 std::shared_ptr<const Agent>, std::shared_ptr<const Extension>,
                 std::shared_ptr<const Conference>, std::shared_ptr<const Conferencecall>,
                 std::shared_ptr<const ExtensionGroup>, std::shared_ptr<const RingGroup>,
                 std::shared_ptr<const MissedCall>, std::shared_ptr<const InstantGroupCall>>;

// The key a row is stored and coalesced under: its id, or for a ring group (whose
// id is an integer) storage_key().
inline Uuid row_key(const Groupcall& r) {
  return r.id;
}
inline Uuid row_key(const Call& r) {
  return r.id;
}
inline Uuid row_key(const Agent& r) {
  return r.id;
}
inline Uuid row_key(const Extension& r) {
  return r.id;
}
inline Uuid row_key(const Conference& r) {
  return r.id;
}
inline Uuid row_key(const Conferencecall& r) {
  return r.id;
}
inline Uuid row_key(const ExtensionGroup& r) {
  return r.id;
}
inline Uuid row_key(const RingGroup& r) {
  return storage_key(r);
}
inline Uuid row_key(const MissedCall& r) {
  return r.id;
}
inline Uuid row_key(const InstantGroupCall& r) {
  return r.id;
}

// What a node left live and can no longer run: its own previous process's
// resources at restart, or those of a node whose lease another node took over.
struct LeftLive {
  std::vector<Groupcall> live_groupcalls;            // status not hangup
  std::vector<Call> live_calls;                      // status not hangup
  std::vector<Conference> live_conferences;          // status not terminated
  std::vector<Conferencecall> live_conferencecalls;  // status not leaved
};

// What a restart finds: the directory, and what was live when the process died
// (with a shared store, only what this node owned).
struct StoredState : LeftLive {
  std::vector<Agent> agents;                     // tm_delete unset
  std::vector<Extension> extensions;             // tm_delete unset
  std::vector<ExtensionGroup> extension_groups;  // tm_delete unset
  std::vector<RingGroup> ring_groups;            // tm_delete unset
  // The highest ring group id ever stored, deleted groups included: ids are never
  // handed out twice.
  std::int32_t highest_ring_group_id = 0;
  std::vector<InstantGroupCall> instant_group_calls;  // tm_delete unset
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes every row in one transaction and returns once it is durable (as the
  // backend's sync setting defines it). On failure nothing of the batch is kept.
  virtual Status write(const std::vector<StoreRow>& rows) = 0;

  // Reads, of any customer's resource; the engine checks ownership.
  virtual Result<std::optional<Groupcall>> groupcall(const Uuid& id) const = 0;
  virtual Result<std::optional<Call>> call(const Uuid& id) const = 0;
  // A customer's listed resources (tm_delete unset), newest first by tm_create,
  // at most `limit`, created strictly before `before` when given.
  virtual Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                                    std::optional<Timestamp> before) const = 0;
  virtual Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                          std::optional<Timestamp> before) const = 0;
  virtual Result<std::optional<Conference>> conference(const Uuid& id) const = 0;
  virtual Result<std::optional<Conferencecall>> conferencecall(const Uuid& id) const = 0;
  virtual Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                                      std::optional<Timestamp> before) const = 0;
  virtual Result<std::vector<Conferencecall>> conferencecalls(
      const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const = 0;

  // An extension's missed calls, newest first by tm_create, at most `limit`,
  // created strictly before `before` when given.
  virtual Result<std::vector<MissedCall>> missed_calls(const Uuid& customer_id,
                                                       const Uuid& extension_id, std::size_t limit,
                                                       std::optional<Timestamp> before) const = 0;

  virtual Result<StoredState> load() const = 0;

  // The id of a new ring group, when the store hands them out: a store several
  // nodes share must, or two nodes creating groups at once could pick the same
  // one. Empty: the engine's directory counts them itself (a node on its own).
  virtual Result<std::optional<std::int32_t>> next_ring_group_id() {
    return std::optional<std::int32_t>();
  }

  // Whether a write reaches the disk now: writes something small and harmless,
  // durably. How a failing store learns that its fault has cleared when it has no
  // rows left to retry.
  virtual Status probe() = 0;

  // Deletes at most `limit` ended resources (groupcalls and calls in hangup,
  // conferences terminated, conferencecalls leaved) whose tm_update is before
  // `cutoff`, and missed calls created before it; returns how many rows went.
  virtual Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) = 0;
};

}  // namespace chorus
