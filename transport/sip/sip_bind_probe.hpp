#pragma once
// Whether a numeric listen address can be bound for UDP and TCP, tried before
// sofia-sip is: nua_create() that fails to bind leaves part of its stack
// allocated, and our error can say why ("Address already in use").

#include <cstdint>
#include <string>

namespace chorus {

// Empty when both binds succeed, or when `host` is not a numeric IPv4 or IPv6
// address (sofia resolves names itself) or `port` is 0 (any free port); else the
// reason, e.g. "udp 127.0.0.1:5060: Address already in use".
std::string sip_bind_probe(const std::string& host, std::uint16_t port);

}  // namespace chorus
