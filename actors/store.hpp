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
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/directory_entry.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace chorus {

// One row to write: the latest snapshot of one resource. A resource's row is
// replaced as a whole; a tm_delete that is set drops it from lists (and, for
// agents and extensions, from the directory loaded at start).
using StoreRow =
    std::variant<std::shared_ptr<const Groupcall>, std::shared_ptr<const Call>,
                 std::shared_ptr<const Agent>, std::shared_ptr<const Extension>,
                 std::shared_ptr<const Conference>, std::shared_ptr<const Conferencecall>>;

// What a restart finds: the directory, and what was live when the process died.
struct StoredState {
  std::vector<Agent> agents;                         // tm_delete unset
  std::vector<Extension> extensions;                 // tm_delete unset
  std::vector<Groupcall> live_groupcalls;            // status not hangup
  std::vector<Call> live_calls;                      // status not hangup
  std::vector<Conference> live_conferences;          // status not terminated
  std::vector<Conferencecall> live_conferencecalls;  // status not leaved
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

  virtual Result<StoredState> load() const = 0;

  // Whether a write reaches the disk now: writes something small and harmless,
  // durably. How a failing store learns that its fault has cleared when it has no
  // rows left to retry.
  virtual Status probe() = 0;

  // Deletes at most `limit` ended resources (groupcalls and calls in hangup,
  // conferences terminated, conferencecalls leaved) whose tm_update is before
  // `cutoff`; returns how many rows went.
  virtual Result<std::size_t> purge(Timestamp cutoff, std::size_t limit) = 0;
};

}  // namespace chorus
