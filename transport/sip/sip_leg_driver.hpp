#pragma once
// The SIP leg driver: rings SIP user agents (RFC 3261) with sofia-sip's UA layer
// (nua), which runs its transactions and dialogs on its own su_root in one
// dedicated thread. Engine threads never block on it: dial, cancel and hangup are
// posted into that thread, and its callbacks only report to leg lines.
//
// Dial: an INVITE to the destination's SIP URI (a sip target), or through the
// outbound proxy (tel and endpoint targets, non-SIP contacts). From: the
// groupcall's source; Alert-Info: the groupcall's alert_info; SDP only when the
// dial carries an offer (an offer in a 200 is answered in the ACK with an inactive
// stream). Responses: 180/183 ringing; 2xx answered; 486/600 busy; 603 rejected;
// 408/480 no_answer; other final responses, transport errors and Timer B failed;
// a BYE from the far end remote_hangup. cancel sends CANCEL with an RFC 3326
// Reason (sip_reason.hpp); a 200 that crosses it is ACKed, then ended with BYE.
// Requests it does not serve (an inbound INVITE, OPTIONS, ...) get a final answer.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "actors/leg_driver.hpp"
#include "config/sip_options.hpp"
#include "transport/sip/sip_metrics.hpp"

namespace chorus {

class SipLegDriver final : public LegDriver {
 public:
  // Binds options.listen (UDP and TCP) and starts the SIP thread; throws
  // std::runtime_error naming the address when it cannot bind.
  explicit SipLegDriver(SipOptions options);
  ~SipLegDriver() override;  // stops the SIP thread if stop() did not

  // Refuses what it cannot route: a tel or endpoint target (or a non-SIP contact)
  // without an outbound proxy, a SIP URI that does not parse.
  Status can_dial(const Address& destination, std::string_view field) const override;
  void start(TimerService& timers) override;
  // Ends every dialog still up (BYE or CANCEL), then stops the SIP thread.
  void stop() override;
  void dial(const DialRequest& request) override;
  void cancel(const Uuid& call_id, LegCause cause) override;
  void hangup(const Uuid& call_id, LegCause cause) override;

  // Where it listens, with the port it bound: "127.0.0.1:5062".
  std::string listen_address() const;
  std::uint16_t port() const;
  const SipMetrics& metrics() const;
  // Legs with a dialog or transaction still up.
  std::size_t live_legs() const;

 private:
  class Stack;  // the nua thread and everything it owns
  std::unique_ptr<Stack> stack_;
};

}  // namespace chorus
