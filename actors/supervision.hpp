#pragma once
// How the supervisor learns that an actor died. Every leg and groupcall actor
// carries an exit hook that reports an abnormal exit (an escaped exception, a kill)
// to its supervisor shard; a normal exit costs the supervisor nothing, so
// supervision adds no message to the hot path.

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/send.hpp>

#include "actors/engine_context.hpp"
#include "actors/messages.hpp"

namespace chorus {

// Tells `supervisor` that the actor owning resource `id` exited abnormally; a
// normal exit tells nobody.
inline void report_abnormal_exit(const supervisor_actor& supervisor, ResourceKind kind,
                                 const Uuid& id, const caf::error& reason) {
  if (!reason || reason == caf::exit_reason::normal) return;
  caf::anon_send(supervisor, died_atom::value, kind, id, reason);
}

// An escaped exception ends the actor; the supervisor finalises what it owned
// (and names the resource). Captureless, so no allocation per actor.
template <class Self>
void log_escaped_exceptions(Self* self) {
  self->set_exception_handler([](caf::scheduled_actor* dying, std::exception_ptr& eptr) {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      spdlog::error("{} actor {} failed: {}", dying->name(), dying->id(), e.what());
    } catch (...) {
      spdlog::error("{} actor {} failed with an unknown exception", dying->name(), dying->id());
    }
    return caf::error(caf::exit_reason::unhandled_exception);
  });
}

template <class Self>
void supervise(EngineContext& engine, Self* self, ResourceKind kind, const Uuid& id) {
  self->attach_functor(
      [supervisor = engine.supervisor_for(id), kind, id](const caf::error& reason) {
        report_abnormal_exit(supervisor, kind, id, reason);
      });
  log_escaped_exceptions(self);
}

}  // namespace chorus
