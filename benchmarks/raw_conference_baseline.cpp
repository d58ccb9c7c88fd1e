#include "benchmarks/raw_conference_baseline.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <caf/all.hpp>

namespace chorus::bench {

namespace {

using join_atom = caf::atom_constant<caf::atom("join")>;
using seat_atom = caf::atom_constant<caf::atom("seat")>;
using joined_atom = caf::atom_constant<caf::atom("joined")>;
using kick_atom = caf::atom_constant<caf::atom("kick")>;
using left_atom = caf::atom_constant<caf::atom("left")>;
using confirm_atom = caf::atom_constant<caf::atom("confirm")>;

// Where the client finds its participants (to kick them) and how it learns that
// everything has happened; written by actors, read once the counters say so.
struct Board {
  std::vector<caf::actor> participants;
  std::atomic<std::size_t> joined{0};
  std::atomic<std::size_t> left{0};
};

caf::behavior raw_call(caf::event_based_actor*) {
  return {
      [](seat_atom) { return true; },
      [](left_atom) {},
  };
}

caf::behavior raw_participant(caf::event_based_actor* self, caf::actor conference,
                              caf::actor call) {
  self->send(self, confirm_atom::value, true);  // the bridge confirms the join at once
  return {
      [=](confirm_atom, bool joining) {
        if (joining) return self->send(conference, joined_atom::value);
        self->send(conference, left_atom::value);
        self->send(call, left_atom::value);
        self->quit();
      },
      [=](kick_atom) { self->send(self, confirm_atom::value, false); },
  };
}

struct RawConferenceState {
  std::size_t participants = 0;
};

caf::behavior raw_conference(caf::stateful_actor<RawConferenceState>* self, Board* board) {
  return {
      [=](join_atom, const caf::actor& call, std::size_t index) {
        self->request(call, caf::infinite, seat_atom::value).then([=](bool) {
          ++self->state.participants;
          board->participants[index] = self->spawn(raw_participant, caf::actor(self), call);
        });
      },
      [=](joined_atom) { board->joined.fetch_add(1, std::memory_order_release); },
      [=](left_atom) {
        --self->state.participants;
        board->left.fetch_add(1, std::memory_order_release);
      },
  };
}

void wait_for(const std::atomic<std::size_t>& counter, std::size_t target) {
  while (counter.load(std::memory_order_acquire) < target) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

}  // namespace

RawConferenceTimes run_raw_conferences(caf::actor_system& system, std::size_t calls,
                                       std::size_t conferences) {
  Board board;
  board.participants.resize(calls);
  std::vector<caf::actor> call_actors;
  for (std::size_t i = 0; i < calls; ++i) call_actors.push_back(system.spawn(raw_call));
  std::vector<caf::actor> rooms;
  for (std::size_t k = 0; k < conferences; ++k)
    rooms.push_back(system.spawn(raw_conference, &board));

  using clock = std::chrono::steady_clock;
  RawConferenceTimes times;
  auto start = clock::now();
  for (std::size_t i = 0; i < calls; ++i) {
    caf::anon_send(rooms[i % conferences], join_atom::value, call_actors[i], i);
  }
  wait_for(board.joined, calls);
  times.joins = clock::now() - start;

  start = clock::now();
  for (auto& participant : board.participants) caf::anon_send(participant, kick_atom::value);
  wait_for(board.left, calls);
  times.leaves = clock::now() - start;

  for (auto& room : rooms) caf::anon_send_exit(room, caf::exit_reason::user_shutdown);
  for (auto& call : call_actors) caf::anon_send_exit(call, caf::exit_reason::user_shutdown);
  return times;
}

}  // namespace chorus::bench
