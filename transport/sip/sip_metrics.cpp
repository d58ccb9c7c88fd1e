#include "transport/sip/sip_metrics.hpp"

namespace chorus {

namespace {

constexpr std::array<std::string_view, SipMetrics::methods> method_names{
    "INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "other"};
constexpr std::array<std::string_view, 2> direction_names{"sent", "received"};
constexpr int first_status = 100;
constexpr int last_status = 699;

std::size_t index_of(SipMetrics::Direction direction) {
  return static_cast<std::size_t>(direction) & 1U;
}

std::size_t index_of(SipMetrics::Method method) {
  auto i = static_cast<std::size_t>(method);
  return i < SipMetrics::methods ? i : SipMetrics::methods - 1;
}

bool counted(int status) {
  return status >= first_status && status <= last_status;
}

}  // namespace

void SipMetrics::count_request(Direction direction, Method method) {
  requests_[index_of(direction)][index_of(method)].fetch_add(1, std::memory_order_relaxed);
}

void SipMetrics::count_response(Direction direction, int status) {
  if (!counted(status)) return;  // sofia's internal 9xx codes are not SIP traffic
  responses_[index_of(direction)][static_cast<std::size_t>(status - first_status)].fetch_add(
      1, std::memory_order_relaxed);
}

SipMetrics::Method SipMetrics::method_of(std::string_view name) {
  for (std::size_t i = 0; i + 1 < methods; ++i) {
    if (method_names[i] == name) return static_cast<Method>(i);
  }
  return Method::other;
}

std::uint64_t SipMetrics::requests(Direction direction, Method method) const {
  return requests_[index_of(direction)][index_of(method)].load(std::memory_order_relaxed);
}

std::uint64_t SipMetrics::responses(Direction direction, int status) const {
  if (!counted(status)) return 0;
  return responses_[index_of(direction)][static_cast<std::size_t>(status - first_status)].load(
      std::memory_order_relaxed);
}

void SipMetrics::render(std::ostream& out) const {
  for (std::size_t d = 0; d < direction_names.size(); ++d) {
    for (std::size_t m = 0; m < methods; ++m) {
      auto n = requests_[d][m].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out << "chorus_sip_requests_total{direction=\"" << direction_names[d] << "\",method=\""
          << method_names[m] << "\"} " << n << '\n';
    }
  }
  for (std::size_t d = 0; d < direction_names.size(); ++d) {
    for (std::size_t s = 0; s < responses_[d].size(); ++s) {
      auto n = responses_[d][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out << "chorus_sip_responses_total{direction=\"" << direction_names[d] << "\",code=\""
          << (static_cast<int>(s) + first_status) << "\"} " << n << '\n';
    }
  }
}

}  // namespace chorus
