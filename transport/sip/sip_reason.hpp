#pragma once
// The RFC 3326 Reason header value that tells a destination why we end its leg,
// carried by our CANCEL or BYE.

#include <string_view>

#include "actors/leg_driver.hpp"

namespace chorus {

std::string_view reason_header(LegCause cause);

}  // namespace chorus
