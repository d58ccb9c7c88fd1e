#pragma once
// Deleting a resource that has ended: tm_delete is stamped and committed (with
// groupcall_deleted, call_deleted or conference_deleted), and it leaves its
// customer's lists. GET by
// id still shows it, with tm_delete set. Live resources are hung up first, by
// their actors, which call this once they have ended.

#include <memory>

#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/groupcall.hpp"

namespace chorus {

struct EngineContext;

std::shared_ptr<const Groupcall> delete_groupcall(EngineContext& engine,
                                                  std::shared_ptr<const Groupcall> ended);
std::shared_ptr<const Call> delete_call(EngineContext& engine, std::shared_ptr<const Call> ended);
// A terminated conference: publishes conference_deleted.
std::shared_ptr<const Conference> delete_conference(EngineContext& engine,
                                                    std::shared_ptr<const Conference> ended);

}  // namespace chorus
