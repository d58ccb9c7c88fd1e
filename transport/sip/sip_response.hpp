#pragma once
// What a SIP response to our INVITE means for the leg: 180/183 ringing, 2xx
// answered, 486/600 busy, 603 rejected, 408/480 no answer, any other final
// response failed. Other provisional responses (100 Trying, 181, 182) say nothing.

#include <optional>

#include "actors/leg_driver.hpp"

namespace chorus {

std::optional<LegReport> leg_report_for_status(int status);

}  // namespace chorus
