#pragma once
// The SIP leg driver's settings (chorusd's --sip-* flags and "sip" config object).
// SIP is off while `listen` is empty: every leg then stays simulated.

#include <chrono>
#include <string>

namespace chorus {

struct SipOptions {
  // "HOST:PORT" (an IPv6 host in brackets), bound for UDP and TCP; port 0 picks a
  // free one. Empty: SIP is off.
  std::string listen;
  // A SIP URI ("sip:proxy.example.com;lr"): where tel and endpoint targets, and
  // contacts that are not SIP URIs of their own, are sent. Empty: they are refused.
  std::string outbound_proxy;
  std::string user_agent = "Chorus";
  // RFC 3261's T1 (the retransmission base), Timer B (an INVITE's transaction gives
  // up: 64*T1 by default) and Timer C (a proxy's ringing limit, kept for a leg
  // whose provisional responses stop).
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds timer_b{32000};
  std::chrono::milliseconds timer_c{180000};

  bool enabled() const { return !listen.empty(); }
};

}  // namespace chorus
