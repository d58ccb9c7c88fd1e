#include "transport/simulated/sim_host_split.hpp"

namespace chorus {

bool on_sim_host(std::string_view target) {
  if (target.rfind("sip:", 0) == 0) target.remove_prefix(4);
  auto end = target.find_first_of(";>");
  target = target.substr(0, end);
  auto at = target.rfind('@');
  auto host = at == std::string_view::npos ? target : target.substr(at + 1);
  return host.substr(0, host.find(':')) == "sim";
}

LegDriver& SimHostSplit::driver_for(const Address& destination) const {
  return on_sim_host(destination.target.view()) ? *simulated_ : *real_;
}

Status SimHostSplit::can_dial(const Address& destination, std::string_view field) const {
  return driver_for(destination).can_dial(destination, field);
}

void SimHostSplit::start(TimerService& timers) {
  simulated_->start(timers);
  real_->start(timers);
}

void SimHostSplit::stop() {
  real_->stop();
  simulated_->stop();
}

void SimHostSplit::dial(const DialRequest& request) {
  driver_for(request.call.destination).dial(request);
}

void SimHostSplit::cancel(const Uuid& call_id, LegCause cause) {
  simulated_->cancel(call_id, cause);
  real_->cancel(call_id, cause);
}

void SimHostSplit::hangup(const Uuid& call_id, LegCause cause) {
  simulated_->hangup(call_id, cause);
  real_->hangup(call_id, cause);
}

void SimHostSplit::join_bridge(const BridgeRequest& request) {
  simulated_->join_bridge(request);
}

void SimHostSplit::leave_bridge(const BridgeRequest& request) {
  simulated_->leave_bridge(request);
}

void SimHostSplit::route(const RouteRequest& request) {
  simulated_->route(request);
}

}  // namespace chorus
