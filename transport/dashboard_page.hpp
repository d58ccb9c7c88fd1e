#pragma once
// The live dashboard chorusd serves at GET /: one self-contained page that takes a
// key, subscribes over the WebSocket gateway, loads what is live now over REST, and
// shows live groupcalls with their legs and conferences with their participants.

#include <string_view>

namespace chorus {

std::string_view dashboard_page();

}  // namespace chorus
