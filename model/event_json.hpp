#pragma once
// An event read back from the JSON Event::to_json() writes,
// {"type":"<type>","data":{<snapshot>}}: what another chorusd node relayed. The
// text is hostile until it parses: the envelope must be exactly that shape, the
// type a known one and the data a valid snapshot of the type's resource.

#include <string_view>

#include "model/event.hpp"
#include "model/result.hpp"

namespace chorus {

Result<EventPtr> event_from_json(std::string_view json);

}  // namespace chorus
