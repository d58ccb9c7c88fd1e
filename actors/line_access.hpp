#pragma once
// How the engine makes the lines it hands a driver, and reads them back: the one
// place where a driver line meets CAF. Engine-private (drivers never include it).

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>

#include "actors/leg_driver.hpp"

namespace chorus::detail {

struct LineAccess {
  // The control block behind an opaque line; EngineActor is never defined, so the
  // pointer only ever travels between these two casts.
  static caf::actor_control_block* block(EngineActor* actor) noexcept {
    return reinterpret_cast<caf::actor_control_block*>(actor);
  }

  // A line to the actor `self` (a typed actor's pointer or handle).
  template <class Line, class Self>
  static Line to(const Self& self) {
    auto* block = caf::actor_cast<caf::actor_control_block*>(self);
    return Line(reinterpret_cast<EngineActor*>(block));
  }
};

}  // namespace chorus::detail
