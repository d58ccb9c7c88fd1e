#pragma once
// An SDP answer (RFC 3264) that accepts every m= line of an offer on hold: same
// media and order, the offer's first format, a=inactive. Sent in the ACK when a
// destination's 200 carries an offer we did not ask for (we sent no SDP), so the
// call is answered without media. Pure, bounded, total: any input gives an answer.

#include <string>
#include <string_view>

namespace chorus {

// `host`: our address for the o= and c= lines ("127.0.0.1", "[::1]").
// Reads at most field_limits::sdp bytes of `offer`.
std::string sip_inactive_answer(std::string_view offer, std::string_view host);

}  // namespace chorus
