#pragma once
// The request both REST and WebSocket loads send: POST /v1.0/groupcalls, a
// ring_all groupcall of simulated destinations where the first answers after 1 ms
// and hangs up 1 ms later and the others ring until they are cancelled.

#include <cstddef>
#include <string>

#include "load/http_load_connection.hpp"

namespace chorus::bench {

// `destinations` >= 1: one that answers, the rest ringing losers.
HttpRequest groupcall_request(const std::string& host, unsigned short port, const std::string& key,
                              std::size_t destinations);

}  // namespace chorus::bench
