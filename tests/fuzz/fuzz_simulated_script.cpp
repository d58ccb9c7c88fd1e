// The simulated driver's target parameters (transport/simulated_script). Properties: an
// accepted script has at most one outcome, each delay one the timer service can take
// (added to the clock without overflow), and reads back the same from its canonical target;
// a refusal of UTF-8 input names the parameter in clean text.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "property.hpp"
#include "transport/simulated/simulated_script.hpp"

namespace {

using chorus::LegReport;
using chorus::SimulatedScript;
using chorus::fuzz::expect;
using std::chrono::milliseconds;

// The timer service takes microseconds and adds them to a nanosecond clock: half the
// clock's range leaves room for any "now".
void expect_schedulable(milliseconds delay) {
  constexpr auto room =
      std::chrono::duration_cast<milliseconds>(std::chrono::nanoseconds::max()) / 2;
  expect(delay.count() >= 0 && delay <= room,
         "a delay can be added to the timer's clock without overflow",
         std::to_string(delay.count()) + " ms");
}

std::string_view outcome_name(LegReport report) {
  switch (report) {
    case LegReport::answered:
      return "answer";
    case LegReport::busy:
      return "busy";
    case LegReport::rejected:
      return "reject";
    case LegReport::failed:
      return "fail";
    case LegReport::no_answer:
      return "noanswer";
    default:
      chorus::fuzz::broken("an outcome is answered, busy, rejected, failed or no_answer");
  }
}

std::string canonical_target(const SimulatedScript& s) {
  std::string target = "x@sim;ring=" + std::to_string(s.ring.count());
  if (s.outcome) {
    target += ";" + std::string(outcome_name(*s.outcome)) + "=";
    target += std::to_string(s.outcome_after.count());
  }
  if (s.hangup_after) target += ";hangup=" + std::to_string(s.hangup_after->count());
  return target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view target(reinterpret_cast<const char*>(data), size);
  auto script = chorus::parse_simulated_script(target);
  if (!script) {
    if (chorus::fuzz::is_utf8(target)) {
      chorus::fuzz::expect_clean_error(script.error(), "a refused target");
    }
    return 0;
  }
  expect_schedulable(script->ring);
  expect_schedulable(script->outcome_after);
  if (script->hangup_after) expect_schedulable(*script->hangup_after);
  std::string canonical = canonical_target(*script);
  auto again = chorus::parse_simulated_script(canonical);
  expect(again && again->ring == script->ring && again->outcome == script->outcome &&
             again->outcome_after == script->outcome_after &&
             again->hangup_after == script->hangup_after,
         "a script reads back the same from its canonical target", canonical);
  return 0;
}
