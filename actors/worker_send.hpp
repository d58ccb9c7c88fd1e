#pragma once
// Sends from code that runs on a CAF worker but outside an actor's own send():
// leg-driver reports made while the engine calls the driver, and timer callbacks
// fired by a supervisor. CAF treats a send without an execution unit as coming
// from a foreign thread: it is queued round-robin and may wake a sleeping worker.
// Code running on a worker for an actor names that worker with a WorkerScope, and
// worker_send() then enqueues as the actor itself would, on the same worker.

#include <caf/actor_cast.hpp>
#include <caf/execution_unit.hpp>
#include <caf/message_id.hpp>
#include <caf/response_type.hpp>
#include <caf/send.hpp>

namespace chorus {

// The worker running the current actor, while a WorkerScope is open on this thread.
inline thread_local caf::execution_unit* current_worker = nullptr;

class WorkerScope {
 public:
  explicit WorkerScope(caf::execution_unit* worker) : previous_(current_worker) {
    current_worker = worker;
  }
  ~WorkerScope() { current_worker = previous_; }
  WorkerScope(const WorkerScope&) = delete;
  WorkerScope& operator=(const WorkerScope&) = delete;

 private:
  caf::execution_unit* previous_;
};

// anon_send, on the current worker when there is one. Type-checked like anon_send.
template <class Dest, class... Ts>
void worker_send(const Dest& dest, Ts&&... xs) {
  using token = caf::detail::type_list<caf::detail::strip_and_convert_t<Ts>...>;
  static_assert(caf::response_type_unbox<caf::signatures_of_t<Dest>, token>::valid,
                "receiver does not accept given message");
  if (!dest) return;
  dest->eq_impl(caf::make_message_id(), nullptr, current_worker, std::forward<Ts>(xs)...);
}

}  // namespace chorus
