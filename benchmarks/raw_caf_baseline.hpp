#pragma once
// The floor for BM_GroupcallLifecycle: the same actors and the same messages as a
// ring_all groupcall whose first leg answers, with no engine logic at all.
//   leg:       ringing (to itself), then cancel from the groupcall, ended to it;
//   winner:    ringing, answered (to itself), answered (to the groupcall),
//              hangup (to itself), ended (to the groupcall).
// The groupcall spawns its legs, cancels the losers on the answer and quits when
// every leg has ended.

#include <atomic>
#include <cstddef>

namespace caf {
class actor_system;
}

namespace chorus::bench {

// Runs `groupcalls` raw groupcalls of `legs` legs each and returns when all ended.
void run_raw_groupcalls(caf::actor_system& system, std::size_t groupcalls, std::size_t legs);

}  // namespace chorus::bench
