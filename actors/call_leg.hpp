#pragma once
// The call-leg actor: one per leg. It asks the leg driver to dial, cancel or hang
// up, follows the driver's reports through the forward-only call state machine,
// owns its Call snapshot and commits every change. It never decides that it won:
// an answer is reported to its groupcall, which decides, and the leg ends `normal`
// only once its groupcall said it won. An end that comes while that verdict is
// pending (the far end or the API hung up) waits in `terminating` for it.

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/branch.hpp"
#include "actors/messages.hpp"
#include "model/call.hpp"

namespace chorus {

struct EngineContext;

// `call` is the leg's initial snapshot (status dialing), already in the registry.
// Spawned by its groupcall (`parent`), so the launch stays on the parent's worker.
call_leg_actor spawn_call_leg(EngineContext& engine, caf::local_actor* parent,
                              std::shared_ptr<const Call> call, groupcall_actor groupcall,
                              DialContextPtr dial_context);

// The hangup reason a leg ends with when it is ended for `cause` while its answer
// stands at `answer`.
HangupReason hangup_reason_for(LegCause cause, BranchAnswer answer);

}  // namespace chorus
