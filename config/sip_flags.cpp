#include "config/sip_flags.hpp"

#include <charconv>
#include <chrono>
#include <string>

namespace chorus {

namespace {

constexpr std::size_t max_uri = 512;
constexpr std::size_t max_user_agent = 128;

bool printable(std::string_view text, bool spaces) {
  for (unsigned char c : text) {
    if (c < 0x21 || c > 0x7e) {
      if (!(spaces && c == ' ')) return false;
    }
  }
  return true;
}

// A duration in whole milliseconds, within [min, max].
Status set_ms(std::string_view flag, std::string_view value, std::chrono::milliseconds min,
              std::chrono::milliseconds max, std::chrono::milliseconds& out) {
  long long number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || number < min.count() ||
      number > max.count()) {
    return Error::invalid(std::string(flag), "must be a whole number from " +
                                                 std::to_string(min.count()) + " to " +
                                                 std::to_string(max.count()));
  }
  out = std::chrono::milliseconds(number);
  return {};
}

}  // namespace

Status set_sip_listen(std::string_view flag, std::string_view value, SipOptions& sip) {
  // HOST:PORT or [v6]:PORT, the port 0..65535.
  auto colon = value.rfind(':');
  bool bracketed = !value.empty() && value.front() == '[';
  if (colon == std::string_view::npos || colon == 0 ||
      (bracketed && (colon < 2 || value[colon - 1] != ']')) || !printable(value, false)) {
    return Error::invalid(std::string(flag), "must be HOST:PORT or [IPv6]:PORT");
  }
  auto port = value.substr(colon + 1);
  unsigned number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc() || end != port.data() + port.size() || number > 65535) {
    return Error::invalid(std::string(flag), "port must be a number from 0 to 65535");
  }
  sip.listen = std::string(value);
  return {};
}

Status set_sip_outbound_proxy(std::string_view flag, std::string_view value, SipOptions& sip) {
  bool sip_uri = value.rfind("sip:", 0) == 0 || value.rfind("sips:", 0) == 0;
  if (!sip_uri || value.size() > max_uri || !printable(value, false) ||
      value.find('@') == value.size() - 1) {
    return Error::invalid(std::string(flag),
                          "must be a SIP URI (sip:HOST[:PORT][;params]) of at most " +
                              std::to_string(max_uri) + " characters");
  }
  sip.outbound_proxy = std::string(value);
  return {};
}

Status set_sip_user_agent(std::string_view flag, std::string_view value, SipOptions& sip) {
  if (value.empty() || value.size() > max_user_agent || !printable(value, true)) {
    return Error::invalid(std::string(flag), "must be 1 to " + std::to_string(max_user_agent) +
                                                 " printable ASCII characters");
  }
  sip.user_agent = std::string(value);
  return {};
}

Status set_sip_t1(std::string_view flag, std::string_view value, SipOptions& sip) {
  return set_ms(flag, value, std::chrono::milliseconds(1), std::chrono::milliseconds(10000),
                sip.t1);
}

Status set_sip_timer_b(std::string_view flag, std::string_view value, SipOptions& sip) {
  return set_ms(flag, value, std::chrono::milliseconds(1), std::chrono::milliseconds(600000),
                sip.timer_b);
}

Status set_sip_timer_c(std::string_view flag, std::string_view value, SipOptions& sip) {
  return set_ms(flag, value, std::chrono::milliseconds(1000), std::chrono::milliseconds(3600000),
                sip.timer_c);
}

}  // namespace chorus
