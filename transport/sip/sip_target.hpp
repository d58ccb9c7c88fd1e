#pragma once
// Where a leg's INVITE goes, and who it says it is from. Pure: no sofia types.
//
// A destination of type sip names a SIP URI ("alice@host:5070", with or without
// "sip:"), dialled directly. Any other leaf (tel, endpoint, a contact that is not
// a SIP URI) is sent through the outbound proxy as "sip:<target>@<proxy host>"
// (an endpoint's "user@domain" keeps its own domain) with the proxy as the Route,
// and is refused when no proxy is configured.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/address.hpp"
#include "model/result.hpp"

namespace chorus {

struct SipDestination {
  std::string request_uri;  // "sip:alice@127.0.0.1:5070;transport=tcp"
  std::string route;        // "<sip:proxy.example.com;lr>", empty when direct
};

// `field` names the destination in an error ("destinations[2]").
Result<SipDestination> sip_destination(const Address& destination, std::string_view field,
                                       std::string_view outbound_proxy);

// The outbound proxy as a Route header value ("<sip:host:port;lr>"), or the rule it
// breaks (naming --sip-outbound-proxy).
Result<std::string> sip_proxy_route(std::string_view outbound_proxy);

// A From header value for the groupcall's source, at `host` (our listen host):
// "\"Alice \\\"A\\\"\" <sip:+15551234@10.0.0.1>". A source that is not a usable
// user part becomes "anonymous". (Not sip_from: sofia's headers define that macro.)
std::string from_header_of(const Address& source, std::string_view host);

struct SipListen {
  std::string host;  // as written: "127.0.0.1", "[::1]", "0.0.0.0"
  std::uint16_t port = 0;
};

// "HOST:PORT" (an IPv6 host in brackets).
Result<SipListen> parse_sip_listen(std::string_view listen);

}  // namespace chorus
