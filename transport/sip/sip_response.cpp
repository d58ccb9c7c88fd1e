#include "transport/sip/sip_response.hpp"

#include <array>

namespace chorus {

namespace {

struct StatusMeaning {
  int status;
  LegReport report;
};

// The codes with a meaning of their own; the classes below cover the rest.
constexpr std::array<StatusMeaning, 7> status_meanings{{
    {180, LegReport::ringing},
    {183, LegReport::ringing},
    {408, LegReport::no_answer},
    {480, LegReport::no_answer},
    {486, LegReport::busy},
    {600, LegReport::busy},
    {603, LegReport::rejected},
}};

}  // namespace

std::optional<LegReport> leg_report_for_status(int status) {
  for (const auto& meaning : status_meanings) {
    if (meaning.status == status) return meaning.report;
  }
  if (status < 200) return std::nullopt;  // 100 Trying and other progress
  if (status < 300) return LegReport::answered;
  return LegReport::failed;  // redirects are not followed; 4xx-6xx and beyond
}

}  // namespace chorus
