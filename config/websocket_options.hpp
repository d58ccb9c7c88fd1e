#pragma once
// The WebSocket event gateway's limits and their defaults.

#include <chrono>
#include <cstddef>

namespace chorus {

struct WsLimits {
  std::size_t max_connections = 10000;
  std::size_t queue_events = 10000;               // outgoing events held per connection
  std::chrono::milliseconds full_timeout{10000};  // full this long: closed with 1008
  std::chrono::seconds ping_interval{30};         // a peer silent twice this long is closed
  std::size_t max_message_bytes = 64 * 1024;      // inbound
  std::size_t max_topics = 100;                   // per connection
  // Sessions with news are woken together, this long after the first of them: a
  // write per connection costs tens of microseconds of kernel time on loopback,
  // so a burst of events (a groupcall's dozen) is worth gathering into one write.
  std::chrono::microseconds batch_window{1000};
  // At shutdown, how long each connection may take to send what is queued for it
  // (the final hangups among it) before the rest is reported as dropped and the
  // connection closed with 1001.
  std::chrono::milliseconds shutdown_flush{2000};
};

}  // namespace chorus
