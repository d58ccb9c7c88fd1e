#include "actors/leg_driver.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/send.hpp>

#include "actors/line_access.hpp"
#include "actors/messages.hpp"
#include "actors/worker_send.hpp"

namespace chorus {

std::string_view to_string(LegReport report) {
  switch (report) {
    case LegReport::ringing:
      return "ringing";
    case LegReport::answered:
      return "answered";
    case LegReport::busy:
      return "busy";
    case LegReport::rejected:
      return "rejected";
    case LegReport::failed:
      return "failed";
    case LegReport::no_answer:
      return "no_answer";
    case LegReport::remote_hangup:
      return "remote_hangup";
  }
  return "unknown";
}

std::string_view to_string(LegCause cause) {
  switch (cause) {
    case LegCause::normal:
      return "normal";
    case LegCause::answered_elsewhere:
      return "answered_elsewhere";
    case LegCause::ring_timeout:
      return "ring_timeout";
    case LegCause::answer_timeout:
      return "answer_timeout";
    case LegCause::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(BridgeReport report) {
  return report == BridgeReport::joined ? "joined" : "left";
}

namespace detail {

ActorLine::ActorLine(EngineActor* actor) noexcept : actor_(actor) {
  if (actor_) caf::intrusive_ptr_add_weak_ref(LineAccess::block(actor_));
}

ActorLine::ActorLine(const ActorLine& other) noexcept : ActorLine(other.actor_) {}

ActorLine::ActorLine(ActorLine&& other) noexcept : actor_(other.actor_) {
  other.actor_ = nullptr;
}

ActorLine& ActorLine::operator=(ActorLine other) noexcept {
  std::swap(actor_, other.actor_);
  return *this;
}

ActorLine::~ActorLine() {
  if (actor_) caf::intrusive_ptr_release_weak(LineAccess::block(actor_));
}

EngineActor* ActorLine::lock() const noexcept {
  if (!actor_ || !caf::intrusive_ptr_upgrade_weak(LineAccess::block(actor_))) return nullptr;
  return actor_;
}

namespace {

// Sends to the line's actor, when it still runs.
template <class Handle, class... Ts>
bool send_on(EngineActor* locked, Ts&&... xs) {
  if (!locked) return false;
  caf::strong_actor_ptr strong{LineAccess::block(locked), false};  // adopts lock()'s reference
  worker_send(caf::actor_cast<Handle>(strong), std::forward<Ts>(xs)...);
  return true;
}

}  // namespace

}  // namespace detail

bool LegLine::report(LegReport report) const {
  return detail::send_on<call_leg_actor>(lock(), report, std::string());
}

bool LegLine::answered(std::string sdp) const {
  return detail::send_on<call_leg_actor>(lock(), LegReport::answered, std::move(sdp));
}

bool BridgeLine::confirm(BridgeReport report) const {
  return detail::send_on<conferencecall_actor>(lock(), report);
}

bool RouteLine::complete() const {
  return detail::send_on<groupcall_actor>(lock(), routed_atom::value);
}

Status LegDriver::can_dial(const Address& destination, std::string_view field) const {
  (void)destination, (void)field;
  return {};
}

void LegDriver::route(const RouteRequest& request) {
  request.line.complete();
}

void LegDriver::join_bridge(const BridgeRequest& request) {
  request.line.confirm(BridgeReport::joined);
}

void LegDriver::leave_bridge(const BridgeRequest& request) {
  request.line.confirm(BridgeReport::left);
}

}  // namespace chorus
