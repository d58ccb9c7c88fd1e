#pragma once
// What /metrics says about the WebSocket gateway: connections, the events it took
// from the engine (once per event and I/O thread, however many connections watch)
// and how many of them joined a round under way, what was written
// (frames, writes, bytes: frames per write shows how well sessions batch), events
// dropped for slow consumers, and connections closed by the server, by cause.

#include <atomic>
#include <cstdint>
#include <ostream>

namespace chorus {

class WsMetrics {
 public:
  enum class Close { too_slow, dead_peer, protocol_error, message_too_big, flooding, count };

  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> events_received{0};
  // Of those, the ones that came in while a round was writing and joined it for the
  // connections it had not reached yet (ws_feed.hpp).
  std::atomic<std::uint64_t> events_joined_round{0};
  std::atomic<std::uint64_t> frames_sent{0};
  std::atomic<std::uint64_t> writes{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> events_dropped{0};

  void count_close(Close cause) noexcept {
    closes_[static_cast<std::size_t>(cause)].fetch_add(1, std::memory_order_relaxed);
  }
  // Prometheus text exposition.
  void render(std::ostream& out) const;

 private:
  std::atomic<std::uint64_t> closes_[static_cast<std::size_t>(Close::count)]{};
};

}  // namespace chorus
