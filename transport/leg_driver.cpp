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

LegLine::LegLine(caf::actor_control_block* leg) noexcept : leg_(leg) {
  if (leg_) caf::intrusive_ptr_add_weak_ref(leg_);
}

LegLine::LegLine(const LegLine& other) noexcept : LegLine(other.leg_) {}

LegLine::LegLine(LegLine&& other) noexcept : leg_(other.leg_) {
  other.leg_ = nullptr;
}

LegLine& LegLine::operator=(LegLine other) noexcept {
  std::swap(leg_, other.leg_);
  return *this;
}

LegLine::~LegLine() {
  if (leg_) caf::intrusive_ptr_release_weak(leg_);
}

bool LegLine::report(LegReport report) const {
  if (!leg_ || !caf::intrusive_ptr_upgrade_weak(leg_)) return false;
  // The upgrade took a strong reference; the handle adopts it.
  caf::strong_actor_ptr strong{leg_, false};
  worker_send(caf::actor_cast<call_leg_actor>(strong), report);
  return true;
}

}  // namespace chorus
