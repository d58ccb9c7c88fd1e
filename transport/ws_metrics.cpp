#include "transport/ws_metrics.hpp"

namespace chorus {

namespace {

const char* name_of(WsMetrics::Close cause) {
  switch (cause) {
    case WsMetrics::Close::too_slow:
      return "too_slow";
    case WsMetrics::Close::dead_peer:
      return "dead_peer";
    case WsMetrics::Close::protocol_error:
      return "protocol_error";
    case WsMetrics::Close::message_too_big:
      return "message_too_big";
    case WsMetrics::Close::flooding:
      return "flooding";
    case WsMetrics::Close::count:
      break;
  }
  return "unknown";
}

void counter(std::ostream& out, const char* name, const char* help, std::uint64_t value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
      << name << ' ' << value << '\n';
}

}  // namespace

void WsMetrics::render(std::ostream& out) const {
  out << "# HELP chorus_ws_connections Open WebSocket connections.\n"
      << "# TYPE chorus_ws_connections gauge\n"
      << "chorus_ws_connections " << connections.load(std::memory_order_relaxed) << '\n';
  counter(out, "chorus_ws_events_received_total",
          "Events the gateway took from the engine: one per event and I/O thread with "
          "subscribers of its customer, however many connections watch it.",
          events_received.load(std::memory_order_relaxed));
  counter(out, "chorus_ws_events_joined_round_total",
          "Events that came in while a round was writing and joined it for the connections "
          "it had not reached yet (the others got them next round): rounds running into "
          "each other, a busy gateway.",
          events_joined_round.load(std::memory_order_relaxed));
  counter(out, "chorus_ws_frames_sent_total",
          "WebSocket frames written (events, replies, control).",
          frames_sent.load(std::memory_order_relaxed));
  counter(out, "chorus_ws_writes_total", "Socket writes, each carrying a batch of frames.",
          writes.load(std::memory_order_relaxed));
  counter(out, "chorus_ws_bytes_sent_total", "Bytes written to WebSocket connections.",
          bytes_sent.load(std::memory_order_relaxed));
  counter(out, "chorus_ws_events_dropped_total",
          "Events dropped from full connection queues (reported to the consumer).",
          events_dropped.load(std::memory_order_relaxed));
  out << "# HELP chorus_ws_closed_total Connections the server closed, by cause.\n"
      << "# TYPE chorus_ws_closed_total counter\n";
  for (std::size_t c = 0; c < static_cast<std::size_t>(Close::count); ++c) {
    out << "chorus_ws_closed_total{cause=\"" << name_of(static_cast<Close>(c)) << "\"} "
        << closes_[c].load(std::memory_order_relaxed) << '\n';
  }
}

}  // namespace chorus
