// Where the SIP driver sends a leg (transport/sip/sip_target): a destination's
// target and type, the outbound proxy and the source come from API clients and
// the directory. Properties: whatever is accepted becomes a request URI, Route and
// From that hold no byte that could end or split a SIP header line (no CR, LF,
// NUL, or other control character, no space in a URI), a request URI starts with
// sip: or sips:, and a refusal of UTF-8 input is a clean error naming the field.
//
// Input: the first byte picks the address type, the next line is the proxy, the
// rest the target.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "property.hpp"
#include "transport/sip/sip_target.hpp"

namespace {

using chorus::fuzz::expect;

bool header_safe(std::string_view text, bool allow_space) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
    if (c == ' ' && !allow_space) return false;
  }
  return true;
}

constexpr chorus::AddressType types[] = {chorus::AddressType::sip, chorus::AddressType::tel,
                                         chorus::AddressType::endpoint,
                                         chorus::AddressType::extension};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto newline = rest.find('\n');
  std::string_view proxy = newline == std::string_view::npos ? "" : rest.substr(0, newline);
  std::string_view target = newline == std::string_view::npos ? rest : rest.substr(newline + 1);

  chorus::Address address{types[data[0] % 4], std::string(target), std::string(target), "", ""};
  auto destination = chorus::sip_destination(address, "destinations[0]", proxy);
  if (destination) {
    auto& uri = destination->request_uri;
    expect(uri.rfind("sip:", 0) == 0 || uri.rfind("sips:", 0) == 0, "a request URI is a SIP URI",
           uri);
    expect(header_safe(uri, false), "a request URI has no control character or space", uri);
    expect(header_safe(destination->route, false), "a Route has no control character or space",
           destination->route);
  } else if (chorus::fuzz::is_utf8(target) && chorus::fuzz::is_utf8(proxy)) {
    chorus::fuzz::expect_clean_error(destination.error(), "a refused SIP destination");
  }
  auto route = chorus::sip_proxy_route(proxy);
  if (route) expect(header_safe(*route, false), "a proxy Route has no control character", *route);

  auto from = chorus::from_header_of(address, "127.0.0.1");
  expect(header_safe(from, true), "a From header has no control character", from);

  if (auto listen = chorus::parse_sip_listen(target)) {
    expect(header_safe(listen->host, false), "a listen host has no control character or space",
           listen->host);
  }
  return 0;
}
