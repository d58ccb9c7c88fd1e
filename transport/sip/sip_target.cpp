#include "transport/sip/sip_target.hpp"

#include <algorithm>
#include <charconv>

#include "model/field_limits.hpp"

namespace chorus {

namespace {

constexpr std::string_view sip_scheme = "sip:";
constexpr std::string_view sips_scheme = "sips:";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Characters RFC 3261 allows in a user part, unescaped or %-escaped.
bool user_char(char c) {
  static constexpr std::string_view marks = "-_.!~*'()&=+$,;?/%";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         marks.find(c) != std::string_view::npos;
}

bool host_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
         c == '-' || c == '_';
}

// Nothing that could end a header or a quoted/bracketed value early.
bool uri_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;  // controls, space
  return c != '<' && c != '>' && c != '"' && c != '\\';
}

bool valid_user(std::string_view user) {
  return !user.empty() && std::all_of(user.begin(), user.end(), user_char);
}

bool valid_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return ec == std::errc() && end == digits.data() + digits.size() && value > 0 && value <= 65535;
}

// host[:port], the host a name, an IPv4 address or a bracketed IPv6 address.
bool valid_hostport(std::string_view hostport) {
  std::string_view host = hostport;
  std::string_view port;
  if (starts_with(hostport, "[")) {
    auto close = hostport.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    auto inside = hostport.substr(1, close - 1);
    bool hex = std::all_of(inside.begin(), inside.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
             c == ':' || c == '.';
    });
    if (!hex) return false;
    auto rest = hostport.substr(close + 1);
    if (rest.empty()) return true;
    return rest[0] == ':' && valid_port(rest.substr(1));
  }
  auto colon = hostport.find(':');
  if (colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    if (!valid_port(port)) return false;
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), host_char);
}

struct UriParts {
  std::string_view scheme;    // "sip:" or "sips:"
  std::string_view user;      // may be empty
  std::string_view hostport;  // never empty in a valid URI
  std::string_view rest;      // ";params?headers", may be empty
};

// Splits a SIP URI (scheme optional, "sip:" assumed) and checks every part;
// false when it is not one we would put on the wire.
bool split_sip_uri(std::string_view text, UriParts& parts) {
  if (text.empty() || text.size() > field_limits::address_target) return false;
  if (!std::all_of(text.begin(), text.end(), uri_char)) return false;
  parts.scheme = sip_scheme;
  if (starts_with(text, sips_scheme)) {
    parts.scheme = sips_scheme;
    text.remove_prefix(sips_scheme.size());
  } else if (starts_with(text, sip_scheme)) {
    text.remove_prefix(sip_scheme.size());
  }
  auto end = text.find_first_of(";?");
  auto head = text.substr(0, end);
  parts.rest = end == std::string_view::npos ? std::string_view() : text.substr(end);
  auto at = head.rfind('@');
  if (at != std::string_view::npos) {
    parts.user = head.substr(0, at);
    auto colon = parts.user.find(':');  // user:password, the password ignored but kept
    if (!valid_user(parts.user.substr(0, colon))) return false;
    parts.hostport = head.substr(at + 1);
  } else {
    parts.user = {};
    parts.hostport = head;
  }
  return valid_hostport(parts.hostport);
}

std::string joined(const UriParts& parts) {
  std::string uri(parts.scheme);
  if (!parts.user.empty()) {
    uri.append(parts.user);
    uri.push_back('@');
  }
  uri.append(parts.hostport);
  uri.append(parts.rest);
  return uri;
}

std::string field_of(std::string_view field) {
  return std::string(field) + ".target";
}

Error needs_proxy(std::string_view field, const Address& destination) {
  return Error::invalid(field_of(field), "a " + std::string(to_string(destination.type)) +
                                             " target is dialled through the outbound proxy; "
                                             "start chorusd with --sip-outbound-proxy URI");
}

// A target carried through the proxy: "user@domain" keeps its domain, anything
// else becomes the user part at the proxy's host.
Result<SipDestination> via_proxy(const Address& destination, std::string_view field,
                                 std::string_view outbound_proxy) {
  if (outbound_proxy.empty()) return needs_proxy(field, destination);
  auto route = sip_proxy_route(outbound_proxy);
  if (!route) return route.error();
  std::string_view target = destination.target.view();
  UriParts parts;
  if (target.find('@') != std::string_view::npos) {
    if (!split_sip_uri(target, parts)) {
      return Error::invalid(field_of(field), "must be user@domain with no spaces or controls");
    }
    return SipDestination{joined(parts), std::move(*route)};
  }
  if (target.size() > field_limits::address_target || !valid_user(target)) {
    return Error::invalid(field_of(field), "must be a number or user name (RFC 3261 user part)");
  }
  UriParts proxy;
  (void)split_sip_uri(outbound_proxy, proxy);  // checked by sip_proxy_route
  auto host = proxy.hostport;
  return SipDestination{std::string(sip_scheme) + std::string(target) + "@" + std::string(host),
                        std::move(*route)};
}

}  // namespace

Result<SipDestination> sip_destination(const Address& destination, std::string_view field,
                                       std::string_view outbound_proxy) {
  if (destination.type != AddressType::sip) {
    return via_proxy(destination, field, outbound_proxy);
  }
  UriParts parts;
  if (!split_sip_uri(destination.target.view(), parts) || parts.user.empty()) {
    return Error::invalid(field_of(field), "must be a SIP URI user@host[:port][;params], at most " +
                                               std::to_string(field_limits::address_target) +
                                               " bytes, no spaces or control characters");
  }
  return SipDestination{joined(parts), {}};
}

Result<std::string> sip_proxy_route(std::string_view outbound_proxy) {
  UriParts parts;
  if (!split_sip_uri(outbound_proxy, parts) || parts.rest.find('?') != std::string_view::npos) {
    return Error::invalid("sip.outbound_proxy",
                          "--sip-outbound-proxy must be a SIP URI such as "
                          "sip:proxy.example.com:5060, with no headers");
  }
  std::string route = "<" + joined(parts);
  if (parts.rest.find(";lr") == std::string_view::npos) route += ";lr";
  route += ">";
  return route;
}

std::string from_header_of(const Address& source, std::string_view host) {
  std::string_view number = source.target.view();
  if (starts_with(number, sip_scheme)) number.remove_prefix(sip_scheme.size());
  auto at = number.find('@');
  if (at != std::string_view::npos) number = number.substr(0, at);
  std::string user = valid_user(number) && number.size() <= field_limits::address_target
                         ? std::string(number)
                         : std::string("anonymous");
  std::string from;
  std::string_view name = source.target_name.view();
  if (!name.empty()) {
    from.push_back('"');
    for (char c : name.substr(0, field_limits::address_target_name)) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) continue;  // no controls in a header, CR and LF above all
      if (c == '"' || c == '\\') from.push_back('\\');
      from.push_back(c);
    }
    from += "\" ";
  }
  from += "<sip:" + user + "@" + std::string(host) + ">";
  return from;
}

Result<SipListen> parse_sip_listen(std::string_view listen) {
  auto colon = listen.rfind(':');
  auto bad = Error::invalid("sip.listen", "--sip-listen must be HOST:PORT ([IPv6]:PORT)");
  if (colon == std::string_view::npos || colon == 0) return bad;
  auto host = listen.substr(0, colon);
  auto digits = listen.substr(colon + 1);
  if (digits.empty() || digits.size() > 5) return bad;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) return bad;
  std::string hostport = std::string(host) + ":1";  // the host's rules, any valid port
  if (!valid_hostport(hostport)) return bad;
  return SipListen{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace chorus
