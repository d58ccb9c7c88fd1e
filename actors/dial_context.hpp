#pragma once
// What every leg of a groupcall tree is dialled with beside its own destination:
// the Alert-Info to send and the caller's SDP offer (an embedder's; chorusd has
// none). One copy is shared by the whole tree; a ring group with its own
// alert_info gives its legs a copy with that alert_info.

#include <memory>
#include <string>

namespace chorus {

struct DialContext {
  std::string alert_info;
  std::string sdp_offer;
};

using DialContextPtr = std::shared_ptr<const DialContext>;

}  // namespace chorus
