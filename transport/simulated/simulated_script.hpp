#pragma once
// What a simulated destination does, read from parameters on its target:
//   alice@sim;ring=200;answer=1500;hangup=60000
// ring=<ms>     delay from dial to ringing (default 0)
// answer=<ms>   answers that long after ringing starts
// busy=<ms>, reject=<ms>, fail=<ms>, noanswer=<ms>
//               that outcome, that long after ringing starts
// hangup=<ms>   the callee hangs up that long after answering
// With no outcome the destination rings until it is cancelled or times out.
// Each delay is at most a day (max_simulated_delay): a longer one has no use in a
// simulation, and one near the integer limit would overflow the timer's clock.

#include <chrono>
#include <optional>
#include <string_view>

#include "model/result.hpp"
#include "actors/leg_driver.hpp"

namespace chorus {

inline constexpr std::chrono::milliseconds max_simulated_delay{24 * 60 * 60 * 1000};

struct SimulatedScript {
  std::chrono::milliseconds ring{0};
  std::optional<LegReport> outcome;  // answered, busy, rejected, failed or no_answer
  std::chrono::milliseconds outcome_after{0};
  std::optional<std::chrono::milliseconds> hangup_after;  // after the answer
};

// Unknown parameters are ignored (a target may carry other URI parameters); a
// known one with a bad value, or two outcomes, is an error naming it.
Result<SimulatedScript> parse_simulated_script(std::string_view target);

}  // namespace chorus
