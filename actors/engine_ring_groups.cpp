// The engine's ring group calls: a softswitch routing a call to a ring group's
// number rings it here, with the group's strategy, availability and failover.

#include "actors/api_answers.hpp"
#include "actors/engine.hpp"
#include "actors/engine_core.hpp"

namespace chorus {

void Engine::ring_group_call(const RingGroupCallRequest& request,
                             std::function<void(Result<Groupcall>)> done) {
  core_->ring_group_call(request, std::move(done));
}

Result<Groupcall> Engine::ring_group_call(const RingGroupCallRequest& request) {
  return wait_for<Groupcall>([&](auto done) { core_->ring_group_call(request, std::move(done)); });
}

}  // namespace chorus
