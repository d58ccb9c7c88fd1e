#include "transport/sip/sip_reason.hpp"

#include <array>

namespace chorus {

namespace {

struct CauseReason {
  LegCause cause;
  std::string_view reason;
};

constexpr std::array<CauseReason, 5> cause_reasons{{
    {LegCause::answered_elsewhere, R"(SIP;cause=200;text="Call completed elsewhere")"},
    {LegCause::ring_timeout, R"(SIP;cause=480;text="Ring timeout")"},
    {LegCause::answer_timeout, R"(SIP;cause=480;text="Answer timeout")"},
    {LegCause::normal, R"(Q.850;cause=16;text="Normal call clearing")"},
    {LegCause::failed, R"(Q.850;cause=41;text="Temporary failure")"},
}};

}  // namespace

std::string_view reason_header(LegCause cause) {
  for (const auto& entry : cause_reasons) {
    if (entry.cause == cause) return entry.reason;
  }
  return cause_reasons[3].reason;  // a cause cast from outside the enum: normal clearing
}

}  // namespace chorus
