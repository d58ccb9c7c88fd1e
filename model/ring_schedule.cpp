#include "model/ring_schedule.hpp"

namespace chorus {

namespace {

// The step of each destination when every member has a step of its own:
// consecutive destinations of one member share it.
std::uint32_t count_member_steps(const std::vector<ScheduleInput>& destinations,
                                 std::vector<RingSlot>& slots) {
  std::uint32_t steps = 0;
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    if (i > 0 && destinations[i].member != destinations[i - 1].member) ++steps;
    slots[i].step = steps;
  }
  return destinations.empty() ? 0 : steps + 1;
}

// A destination's ring time: its own, else the method's for a leg; a nested
// groupcall times its own legs.
std::int32_t own_or(const ScheduleInput& d, std::int32_t ring_timeout) {
  if (d.timeout > 0) return d.timeout;
  return d.nested ? 0 : ring_timeout;
}

}  // namespace

RingSchedule make_ring_schedule(RingMethod method, std::int32_t ring_timeout,
                                const std::vector<ScheduleInput>& destinations) {
  RingSchedule schedule;
  schedule.slots.resize(destinations.size());
  const bool hunt = effective(method) == RingMethod::memory_hunt;
  const std::uint32_t steps = effective(method) == RingMethod::ring_all
                                  ? (destinations.empty() ? 0 : 1)
                                  : count_member_steps(destinations, schedule.slots);
  // memory_hunt: a step lasts ring_timeout; the rest last until their branches end.
  schedule.step_lengths.assign(steps, hunt ? ring_timeout : 0);
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    auto& d = destinations[i];
    auto& slot = schedule.slots[i];
    slot.delay = d.delay;
    // memory_hunt: a branch rings until the last step ends, unless told otherwise.
    slot.timeout = hunt ? d.timeout : own_or(d, ring_timeout);
  }
  return schedule;
}

}  // namespace chorus
