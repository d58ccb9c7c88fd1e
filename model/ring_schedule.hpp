#pragma once
// When each branch of a groupcall rings. Every ring method is one schedule: a
// list of steps run one after another, and for each destination the step it
// belongs to, the delay after its step starts before it rings, and how long it
// rings. A step ends when its length has passed, or earlier once every branch it
// started has ended (and none is still waiting for its delay); the next step
// starts then. When the last step ends by its length, whatever still rings has
// run out of time.
//
//   ring_all     one step; every destination rings ring_timeout.
//   linear       a step per destination; each rings ring_timeout, then the next.
//   memory_hunt  a step per destination, each ring_timeout long; those started in
//                earlier steps keep ringing until the last step ends.
//   custom       (Yeastar) ring_all with each destination's own delay and timeout.
//
// Destinations that share a `member` (an extension group, a Yeastar sub_option
// group) ring in the same step. A destination's own delay and timeout (the
// extensions on Address) override the method's. A nested groupcall (an agent, an
// extension, a ring group) times its own legs: its branch has no timeout of its
// own unless one is written.

#include <cstdint>
#include <vector>

#include "model/groupcall.hpp"

namespace chorus {

struct RingSlot {
  std::uint32_t step = 0;
  std::int32_t delay = 0;    // seconds after its step starts
  std::int32_t timeout = 0;  // seconds it rings; 0: until the schedule ends
};

struct RingSchedule {
  std::vector<RingSlot> slots;             // one per destination, in order
  std::vector<std::int32_t> step_lengths;  // seconds; 0: until its branches have ended
};

// What the schedule needs of one destination.
struct ScheduleInput {
  std::uint32_t member = 0;  // destinations with the same member ring together
  std::int32_t delay = 0;
  std::int32_t timeout = 0;  // 0: the method's
  bool nested = false;
};

RingSchedule make_ring_schedule(RingMethod method, std::int32_t ring_timeout,
                                const std::vector<ScheduleInput>& destinations);

}  // namespace chorus
