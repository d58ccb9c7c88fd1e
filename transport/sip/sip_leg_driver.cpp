#include "transport/sip/sip_leg_driver.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "model/field_limits.hpp"
#include "transport/sip/sip_stack.hpp"
#include "transport/sip/sip_target.hpp"

namespace chorus {

namespace {

// An Alert-Info value we can put on the wire as it is, or nothing.
std::string alert_info_of(std::string_view alert_info) {
  if (alert_info.size() > field_limits::address_target) return {};
  for (char c : alert_info) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return {};  // CR or LF would forge headers
  }
  return std::string(alert_info);
}

SipOptions checked(SipOptions options) {
  auto listen = parse_sip_listen(options.listen);
  if (!listen) throw std::runtime_error(listen.error().message + ": " + options.listen);
  if (!options.outbound_proxy.empty()) {
    auto route = sip_proxy_route(options.outbound_proxy);
    if (!route) throw std::runtime_error(route.error().message + ": " + options.outbound_proxy);
  }
  return options;
}

}  // namespace

class SipLegDriver::Stack : public SipStack {
 public:
  using SipStack::SipStack;
  std::string outbound_proxy;
};

SipLegDriver::SipLegDriver(SipOptions options) {
  auto proxy = options.outbound_proxy;
  stack_ = std::make_unique<Stack>(checked(std::move(options)));
  stack_->outbound_proxy = std::move(proxy);
}

SipLegDriver::~SipLegDriver() {
  stop();
}

Status SipLegDriver::can_dial(const Address& destination, std::string_view field) const {
  auto target = sip_destination(destination, field, stack_->outbound_proxy);
  if (!target) return target.error();
  return {};
}

void SipLegDriver::start(TimerService& timers) {
  (void)timers;  // sofia runs SIP's own timers (T1, B, C) on its thread
}

void SipLegDriver::stop() {
  stack_->stop();
}

void SipLegDriver::dial(const DialRequest& request) {
  auto target = sip_destination(request.call.destination, "destination", stack_->outbound_proxy);
  if (!target) {
    spdlog::warn("sip: call {}: {}; reporting failure", request.call.id.to_string(),
                 target.error().message);
    request.line.report(LegReport::failed);
    return;
  }
  SipOrder order;
  order.kind = SipOrder::Kind::dial;
  order.call_id = request.call.id;
  order.line = request.line;
  order.request_uri = std::move(target->request_uri);
  order.route = std::move(target->route);
  order.from = from_header_of(request.call.source, stack_->host());
  order.alert_info = alert_info_of(request.alert_info);
  // A C string goes on the wire: an offer with a NUL in it would be cut short.
  auto offer = request.sdp_offer.substr(0, field_limits::sdp);
  if (offer.find('\0') == std::string_view::npos) order.sdp_offer = std::string(offer);
  if (!stack_->post(std::move(order))) request.line.report(LegReport::failed);
}

void SipLegDriver::cancel(const Uuid& call_id, LegCause cause) {
  SipOrder order;
  order.kind = SipOrder::Kind::cancel;
  order.call_id = call_id;
  order.cause = cause;
  (void)stack_->post(std::move(order));
}

void SipLegDriver::hangup(const Uuid& call_id, LegCause cause) {
  SipOrder order;
  order.kind = SipOrder::Kind::hangup;
  order.call_id = call_id;
  order.cause = cause;
  (void)stack_->post(std::move(order));
}

std::string SipLegDriver::listen_address() const {
  return stack_->host() + ":" + std::to_string(stack_->port());
}

std::uint16_t SipLegDriver::port() const {
  return stack_->port();
}

const SipMetrics& SipLegDriver::metrics() const {
  return stack_->metrics();
}

std::size_t SipLegDriver::live_legs() const {
  return stack_->live_legs();
}

}  // namespace chorus
