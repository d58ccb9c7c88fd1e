#pragma once
// chorusd's driver with SIP on: a leg whose target is on the host "sim"
// ("alice@sim;answer=100", "sip:bob@sim") stays with the simulated driver, every
// other leg goes to the real one (SIP). So the examples and tests written against
// simulated destinations keep working beside real phones.
//
// Cancel and hangup orders go to both drivers (each ignores a call it did not
// dial): remembering which driver took a leg would need state for every leg,
// and a leg that ends on its own never says goodbye. Bridge moves and routing
// instructions go to the simulated driver: chorusd carries no media and has no
// services to route to.

#include <memory>
#include <string_view>

#include "actors/leg_driver.hpp"

namespace chorus {

// Whether a target's host is "sim": the part after the last '@' (or the whole
// target without one, after any "sip:"), up to a ';', ':' or '>'.
bool on_sim_host(std::string_view target);

class SimHostSplit final : public LegDriver {
 public:
  SimHostSplit(std::shared_ptr<LegDriver> simulated, std::shared_ptr<LegDriver> real)
      : simulated_(std::move(simulated)), real_(std::move(real)) {}

  Status can_dial(const Address& destination, std::string_view field) const override;
  void start(TimerService& timers) override;
  void stop() override;
  void dial(const DialRequest& request) override;
  void cancel(const Uuid& call_id, LegCause cause) override;
  void hangup(const Uuid& call_id, LegCause cause) override;
  void join_bridge(const BridgeRequest& request) override;
  void leave_bridge(const BridgeRequest& request) override;
  void route(const RouteRequest& request) override;

 private:
  LegDriver& driver_for(const Address& destination) const;

  std::shared_ptr<LegDriver> simulated_;
  std::shared_ptr<LegDriver> real_;
};

}  // namespace chorus
