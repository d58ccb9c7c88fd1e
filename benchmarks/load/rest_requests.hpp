#pragma once
// The REST requests the loads send, each a keep-alive JSON request with the API
// key:
//  - POST /v1.0/groupcalls, a ring_all groupcall of simulated destinations where
//    the first answers after 1 ms and hangs up 1 ms later and the others ring
//    until they are cancelled (the REST and WebSocket loads);
//  - PUT /v1.0/conferences/{id}, an update that changes nothing (the cluster
//    benchmark's forwarded operation: the node that runs the conference answers,
//    so sent to another node it measures the forwarding alone).

#include <cstddef>
#include <string>

#include "load/http_load_connection.hpp"

namespace chorus::bench {

// `destinations` >= 1: one that answers, the rest ringing losers.
HttpRequest groupcall_request(const std::string& host, unsigned short port, const std::string& key,
                              std::size_t destinations);

HttpRequest conference_update_request(const std::string& host, unsigned short port,
                                      const std::string& key, const std::string& conference_id);

}  // namespace chorus::bench
