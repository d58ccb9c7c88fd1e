// Calls to configured services, as a softswitch routes them: a ring group's
// number rings the group with its strategy, availability and failover; an
// instant group call rings its destination phone numbers at once.

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

void Engine::instant_group_call_dial(const InstantGroupCallDial& request,
                                     std::function<void(Result<Groupcall>)> done) {
  core_->instant_group_call_dial(request, std::move(done));
}

Result<Groupcall> Engine::instant_group_call_dial(const InstantGroupCallDial& request) {
  return wait_for<Groupcall>(
      [&](auto done) { core_->instant_group_call_dial(request, std::move(done)); });
}

}  // namespace chorus
