#include "benchmarks/raw_caf_baseline.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include <caf/all.hpp>

namespace chorus::bench {

namespace {

using ringing_atom = caf::atom_constant<caf::atom("ringing")>;
using answer_atom = caf::atom_constant<caf::atom("answer")>;
using bye_atom = caf::atom_constant<caf::atom("bye")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using ended_atom = caf::atom_constant<caf::atom("ended")>;

caf::behavior raw_leg(caf::event_based_actor* self, caf::actor groupcall, bool winner) {
  self->send(self, ringing_atom::value);
  return {
      [=](ringing_atom) {
        if (winner) self->send(self, answer_atom::value);
      },
      [=](answer_atom) {
        self->send(groupcall, answer_atom::value, self->address());
        self->send(self, bye_atom::value);
      },
      [=](bye_atom) {
        self->send(groupcall, ended_atom::value);
        self->quit();
      },
      [=](cancel_atom) {
        self->send(groupcall, ended_atom::value);
        self->quit();
      },
  };
}

struct RawGroupcallState {
  std::vector<caf::actor> legs;
  std::size_t ended = 0;
};

caf::behavior raw_groupcall(caf::stateful_actor<RawGroupcallState>* self, std::size_t legs,
                            std::atomic<std::size_t>* done) {
  for (std::size_t i = 0; i < legs; ++i) {
    self->state.legs.push_back(self->spawn(raw_leg, caf::actor(self), i == 0));
  }
  return {
      [=](answer_atom, const caf::actor_addr& winner) {
        for (auto& leg : self->state.legs) {
          if (leg.address() != winner) self->send(leg, cancel_atom::value);
        }
      },
      [=](ended_atom) {
        if (++self->state.ended == self->state.legs.size()) {
          done->fetch_add(1, std::memory_order_relaxed);
          self->quit();
        }
      },
  };
}

}  // namespace

void run_raw_groupcalls(caf::actor_system& system, std::size_t groupcalls, std::size_t legs) {
  std::atomic<std::size_t> done{0};
  for (std::size_t i = 0; i < groupcalls; ++i) system.spawn(raw_groupcall, legs, &done);
  while (done.load(std::memory_order_relaxed) < groupcalls) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

}  // namespace chorus::bench
