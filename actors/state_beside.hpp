#pragma once
// Actors whose state lives beside them rather than inside. CAF's typed actor alone
// is 960 bytes, which with its 64-byte control block fills jemalloc's 1,024-byte
// class exactly; a stateful_actor (the same plus its state) spills into the next
// class, 1,280 or 1,536 bytes. Here the state is its own allocation, and the actor
// owns it as an exit hook (a caf::attachable): CAF destroys it when the actor
// terminates, as it destroys a stateful actor's state, after telling it how the
// actor exited (State::actor_exited), which is where supervision reports an
// abnormal exit.
//
// The actor finds its state without a member of its own: CAF allocates every
// actor inside an actor_storage (its control block, padding up to a cache line,
// then the actor) and never reads that padding, 8 bytes, which holds the state's
// address.

#include <cstring>
#include <memory>
#include <type_traits>

#include <caf/actor_control_block.hpp>
#include <caf/actor_storage.hpp>
#include <caf/attachable.hpp>

namespace chorus {

// `Base` (a CAF actor class), as a `Derived`, with a `State` beside it.
template <class Derived, class Base, class State>
class StateBeside : public Base {
 public:
  using Base::Base;

  // Gives the actor its state, once, as it starts.
  void adopt(std::unique_ptr<State> state) {
    static_assert(std::is_base_of<caf::attachable, State>::value,
                  "the actor owns its state as an attachable");
    auto* kept = state.get();
    this->attach(caf::attachable_ptr(state.release()));
    std::memcpy(padding(), &kept, sizeof kept);
  }

  // Valid from adopt() until the actor terminates (its handlers never run later).
  State& state() const noexcept {
    State* kept = nullptr;
    std::memcpy(&kept, padding(), sizeof kept);
    return *kept;
  }

 private:
  using Storage = caf::actor_storage<Derived>;

  unsigned char* padding() const noexcept {
    static_assert(sizeof(Storage::pad) >= sizeof(State*),
                  "no room for the state's address between CAF's control block and the actor");
    auto* derived = static_cast<const Derived*>(this);
    auto* storage = reinterpret_cast<Storage*>(caf::actor_control_block::from(derived));
    return reinterpret_cast<unsigned char*>(storage->pad);
  }
};

}  // namespace chorus
