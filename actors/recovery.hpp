#pragma once
// Restart recovery: the directory comes back from the store, and whatever the
// previous process left live is ended the way the supervisor ends a resource
// whose actor died: calls hangup (hangup_reason failed, hangup_by local),
// groupcalls hangup, conferencecalls leaved, conferences terminated. Their events
// are published like any other.

#include <memory>

#include "actors/engine.hpp"
#include "actors/store.hpp"
#include "model/call.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace chorus {

struct EngineContext;

// A live resource ended by the engine itself, because what ran it is gone.
std::shared_ptr<const Call> ended_by_failure(const Call& live, Timestamp now);
std::shared_ptr<const Groupcall> ended_by_failure(const Groupcall& live, Timestamp now);
std::shared_ptr<const Conference> ended_by_failure(const Conference& live, Timestamp now);
std::shared_ptr<const Conferencecall> ended_by_failure(const Conferencecall& live, Timestamp now);

// Ends what `left` holds as above, publishing the events; answers once committed.
Result<Recovery> end_left_live(EngineContext& engine, const LeftLive& left,
                               std::chrono::milliseconds timeout);
Result<Recovery> recover(EngineContext& engine, std::chrono::milliseconds timeout);

}  // namespace chorus
