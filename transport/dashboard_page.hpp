#pragma once
// The live dashboard chorusd serves at GET /: one self-contained page that takes a
// key, subscribes over the WebSocket gateway and shows live groupcalls and legs.

#include <string_view>

namespace chorus {

std::string_view dashboard_page();

}  // namespace chorus
