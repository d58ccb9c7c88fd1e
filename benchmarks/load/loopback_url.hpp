#pragma once
// Where a load client may go: <scheme>://127.0.0.1:PORT[/target], never off the
// loopback address.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::bench {

struct LoopbackUrl {
  std::string host;
  unsigned short port = 0;
  std::string target;  // path and query; empty when the URL ends at the port (or "/")
};

std::optional<LoopbackUrl> parse_loopback_url(std::string_view url,
                                              std::initializer_list<std::string_view> schemes);

}  // namespace chorus::bench
