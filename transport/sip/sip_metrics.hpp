#pragma once
// SIP traffic counters for /metrics: requests by method and responses by status
// code, each sent and received. Written by the SIP thread, read by any thread.

#include <array>
#include <atomic>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace chorus {

class SipMetrics {
 public:
  enum class Direction : std::uint8_t { sent, received };
  enum class Method : std::uint8_t { invite, ack, cancel, bye, options, other };
  static constexpr std::size_t methods = 6;

  void count_request(Direction direction, Method method);
  void count_response(Direction direction, int status);
  static Method method_of(std::string_view name);  // "INVITE" -> invite, unknown -> other

  std::uint64_t requests(Direction direction, Method method) const;
  std::uint64_t responses(Direction direction, int status) const;  // 100..699

  // chorus_sip_requests_total{direction="sent",method="INVITE"} 12
  // chorus_sip_responses_total{direction="received",code="200"} 10
  // Only non-zero series are written.
  void render(std::ostream& out) const;

 private:
  std::array<std::array<std::atomic<std::uint64_t>, methods>, 2> requests_{};
  std::array<std::array<std::atomic<std::uint64_t>, 600>, 2> responses_{};  // 100..699
};

}  // namespace chorus
