#pragma once
// The groupcall actor: one per groupcall, nested ones included. It dials its
// branches (all at once for ring_all, one by one for linear), arms its ring and
// answer timers, and is the only place that decides which answer wins: answers
// that race are serialised by its mailbox. With hangup_others every other branch
// is cancelled; an answer that arrives when it no longer takes answers (a winner,
// hanging up, timed out, being deleted) is late and hung up at once. It tells its
// winner that it won once every groupcall above took the answer too.

#include <memory>
#include <string>

#include "actors/branch.hpp"
#include "actors/messages.hpp"

namespace chorus {

struct EngineContext;

// Spawns the top-level groupcall of `prepared` (already registered).
groupcall_actor spawn_groupcall(EngineContext& engine, std::shared_ptr<PreparedGroupcall> prepared);

}  // namespace chorus
