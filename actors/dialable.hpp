#pragma once
// Whether the leg driver can dial every leg a plan may ring (its leaves, nested
// plans' leaves and failover targets included), asked before anything is created:
// a destination the driver cannot reach (a tel target without a SIP outbound
// proxy, say) refuses the request instead of failing a leg later.

#include <string>

#include "actors/leg_driver.hpp"
#include "model/dial_plan.hpp"
#include "model/result.hpp"

namespace chorus {

// The refusal names the top-level destination ("destinations[2]") that holds the
// undialable leaf.
Status can_dial(const LegDriver& driver, const DialPlan& plan);

}  // namespace chorus
