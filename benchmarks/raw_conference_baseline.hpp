#pragma once
// The floor for BM_ConferenceJoinLeave: the same actors and the same messages as
// N answered calls joining C conferences and then being kicked, with no engine
// logic at all (no snapshots, registry, events or state machines).
//   join:  client -> conference (join), conference -> call (seat request and its
//          response), the conference spawns the participant, which confirms its
//          own bridge (to itself) and tells the conference it joined.
//   kick:  client -> participant (kick), its bridge confirms the leave (to
//          itself), then left to the conference and to the call, and it quits.

#include <chrono>
#include <cstddef>

namespace caf {
class actor_system;
}

namespace chorus::bench {

struct RawConferenceTimes {
  std::chrono::duration<double> joins{0};   // first join sent to the last joined
  std::chrono::duration<double> leaves{0};  // first kick sent to the last left
};

// Spawns `calls` call actors and `conferences` conferences (untimed), then times
// every call joining conference i % conferences and every participant's kick.
RawConferenceTimes run_raw_conferences(caf::actor_system& system, std::size_t calls,
                                       std::size_t conferences);

}  // namespace chorus::bench
