// StateBeside (actors/state_beside.hpp): an actor finds the state it adopted, is
// told how it exited through that state, and lets go of the state when it ends.

#include "actors/state_beside.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <future>
#include <memory>

#include <caf/all.hpp>

namespace chorus {
namespace {

using count_atom = caf::atom_constant<caf::atom("count")>;
using counter_actor = caf::typed_actor<caf::replies_to<count_atom>::with<int>>;

// What the test learns of a counter's state once the counter has ended.
struct Outcome {
  std::promise<caf::error> exited;  // the reason the state was told
  std::promise<void> destroyed;
};

struct CounterState final : caf::attachable {
  explicit CounterState(Outcome* outcome) : outcome(outcome) {}
  ~CounterState() override { outcome->destroyed.set_value(); }
  void actor_exited(const caf::error& reason, caf::execution_unit*) override {
    outcome->exited.set_value(reason);
  }
  Outcome* outcome;
  int count = 0;
};

class Counter final : public StateBeside<Counter, counter_actor::base, CounterState> {
 public:
  using StateBeside::StateBeside;
};

// Counts the questions it was asked, in its state.
counter_actor::behavior_type counter(Counter* self, Outcome* outcome) {
  self->adopt(std::make_unique<CounterState>(outcome));
  return {[self](count_atom) { return ++self->state().count; }};
}

TEST(StateBeside, TheActorKeepsItsStateUntilItEndsAndTellsItHow) {
  caf::actor_system_config config;
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  Outcome outcome;
  auto exited = outcome.exited.get_future();
  auto destroyed = outcome.destroyed.get_future();
  auto actor = system.spawn(counter, &outcome);
  {
    caf::scoped_actor self(system);
    for (int expected = 1; expected <= 3; ++expected) {
      self->request(actor, caf::infinite, count_atom::value)
          .receive([&](int count) { EXPECT_EQ(count, expected); },
                   [&](caf::error& e) { FAIL() << caf::to_string(e); });
    }
  }
  EXPECT_EQ(destroyed.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  caf::anon_send_exit(actor, caf::exit_reason::kill);
  ASSERT_EQ(exited.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(exited.get(), caf::make_error(caf::exit_reason::kill));
  EXPECT_EQ(destroyed.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace chorus
