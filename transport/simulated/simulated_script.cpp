#include "transport/simulated/simulated_script.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>

namespace chorus {

namespace {

struct OutcomeName {
  std::string_view name;
  LegReport report;
};

constexpr OutcomeName outcomes[] = {
    {"answer", LegReport::answered},    {"busy", LegReport::busy},
    {"reject", LegReport::rejected},    {"fail", LegReport::failed},
    {"noanswer", LegReport::no_answer},
};

std::optional<std::chrono::milliseconds> parse_ms(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max_simulated_delay.count()) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(value);
}

}  // namespace

Result<SimulatedScript> parse_simulated_script(std::string_view target) {
  SimulatedScript script;
  auto pos = target.find(';');
  while (pos != std::string_view::npos) {
    auto next = target.find(';', pos + 1);
    auto param = target.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    pos = next;
    auto eq = param.find('=');
    auto name = param.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    auto field = [&] { return "destination.target;" + std::string(name); };
    auto is_outcome = [&](const OutcomeName& o) { return o.name == name; };
    bool known =
        name == "ring" || name == "hangup" ||
        std::find_if(std::begin(outcomes), std::end(outcomes), is_outcome) != std::end(outcomes);
    if (!known) continue;
    auto ms = parse_ms(value);
    if (!ms) {
      return Error::invalid(field(), "must be a whole number of milliseconds up to " +
                                         std::to_string(max_simulated_delay.count()));
    }
    if (name == "ring") {
      script.ring = *ms;
    } else if (name == "hangup") {
      script.hangup_after = *ms;
    } else {
      if (script.outcome) return Error::invalid(field(), "only one outcome per destination");
      script.outcome = std::find_if(std::begin(outcomes), std::end(outcomes), is_outcome)->report;
      script.outcome_after = *ms;
    }
  }
  return script;
}

}  // namespace chorus
