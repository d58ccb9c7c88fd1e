#pragma once
// The one place where a state change becomes an event: the new snapshot is
// committed to the registry first (so a read that follows an event never sees an
// older state), then its event is published. A durable store will sit here too:
// commit, then publish.

#include <memory>

#include "model/call.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"

namespace chorus {

struct EngineContext;

void commit(EngineContext& engine, EventType type, std::shared_ptr<const Call> call);
void commit(EngineContext& engine, EventType type, std::shared_ptr<const Groupcall> groupcall);
// A change no event names (hangingup, linear's next dial): committed, not published.
void commit_quietly(EngineContext& engine, std::shared_ptr<const Groupcall> groupcall);
// An event about the snapshot already committed (call_created, call_dialing).
void announce(EngineContext& engine, EventType type, const std::shared_ptr<const Call>& call);
void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Groupcall>& groupcall);

}  // namespace chorus
