#pragma once
// Actors of one kind that share a single behaviour. CAF's behaviours are
// reference-counted, so every actor of the kind can hold the same one (8 bytes in
// its behaviour stack) instead of a behaviour of its own (40 bytes a handler, plus
// 48). Shared handlers capture nothing: they act on the actor CAF is running,
// which RunningActor names on the running thread while CAF resumes it.

#include <cstddef>

#include <caf/execution_unit.hpp>
#include <caf/resumable.hpp>

namespace chorus {

// `Base` (a CAF actor class) that names itself, as a `Derived`, while it runs.
template <class Derived, class Base>
class RunningActor : public Base {
 public:
  using Base::Base;

  // The actor of this kind whose message this thread handles now, or null (CAF
  // runs an actor's handlers only inside its resume()).
  static Derived* running() noexcept { return running_; }

  caf::resumable::resume_result resume(caf::execution_unit* unit,
                                       std::size_t max_throughput) override {
    Scope scope(static_cast<Derived*>(this));
    return Base::resume(unit, max_throughput);
  }

 private:
  // Restores the outer actor on the way out, however resume() ends.
  struct Scope {
    explicit Scope(Derived* actor) : outer(running_) { running_ = actor; }
    ~Scope() { running_ = outer; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Derived* outer;
  };

  static inline thread_local Derived* running_ = nullptr;
};

}  // namespace chorus
