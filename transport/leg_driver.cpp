#include "transport/leg_driver.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/send.hpp>

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

ActorLine::ActorLine(caf::actor_control_block* actor) noexcept : actor_(actor) {
  if (actor_) caf::intrusive_ptr_add_weak_ref(actor_);
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
  if (actor_) caf::intrusive_ptr_release_weak(actor_);
}

caf::actor_control_block* ActorLine::lock() const noexcept {
  if (!actor_ || !caf::intrusive_ptr_upgrade_weak(actor_)) return nullptr;
  return actor_;
}

}  // namespace detail

bool LegLine::report(LegReport report) const {
  auto* leg = lock();
  if (!leg) return false;
  caf::strong_actor_ptr strong{leg, false};  // adopts lock()'s strong reference
  worker_send(caf::actor_cast<call_leg_actor>(strong), report);
  return true;
}

bool BridgeLine::confirm(BridgeReport report) const {
  auto* participant = lock();
  if (!participant) return false;
  caf::strong_actor_ptr strong{participant, false};  // adopts lock()'s strong reference
  worker_send(caf::actor_cast<conferencecall_actor>(strong), report);
  return true;
}

bool RouteLine::complete() const {
  auto* groupcall = lock();
  if (!groupcall) return false;
  caf::strong_actor_ptr strong{groupcall, false};  // adopts lock()'s strong reference
  worker_send(caf::actor_cast<groupcall_actor>(strong), routed_atom::value);
  return true;
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
