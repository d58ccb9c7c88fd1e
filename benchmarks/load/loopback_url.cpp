#include "loopback_url.hpp"

#include "flag_number.hpp"

namespace chorus::bench {

std::optional<LoopbackUrl> parse_loopback_url(std::string_view url,
                                              std::initializer_list<std::string_view> schemes) {
  for (auto scheme : schemes) {
    std::string prefix = std::string(scheme) + "://127.0.0.1:";
    if (url.substr(0, prefix.size()) != prefix) continue;
    auto rest = url.substr(prefix.size());
    auto slash = rest.find('/');
    std::string port(rest.substr(0, slash));
    long value = 0;
    if (!parse_number(port.c_str(), 1, 65535, value)) return std::nullopt;
    LoopbackUrl parsed{"127.0.0.1", static_cast<unsigned short>(value), {}};
    if (slash != std::string_view::npos && slash + 1 < rest.size()) {
      parsed.target = std::string(rest.substr(slash));
    }
    return parsed;
  }
  return std::nullopt;
}

}  // namespace chorus::bench
