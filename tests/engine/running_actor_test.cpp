// RunningActor (actors/running_actor.hpp): actors of one kind that share a single
// behaviour, whose handlers capture nothing, act on the actor CAF is running, on
// whichever worker runs it, and no actor is named outside its run.

#include "actors/running_actor.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include <caf/all.hpp>

namespace chorus {
namespace {

using whoami_atom = caf::atom_constant<caf::atom("whoami")>;
using named_actor = caf::typed_actor<caf::replies_to<whoami_atom>::with<caf::actor_id>>;

class Named final : public RunningActor<Named, named_actor::base> {
 public:
  using RunningActor::RunningActor;
};

// One behaviour for every Named actor: it answers with the id of the actor it
// found running.
const named_actor::behavior_type& shared_behaviour() {
  static const named_actor::behavior_type shared{[](whoami_atom) {
    auto* running = Named::running();
    return running ? running->id() : caf::invalid_actor_id;
  }};
  return shared;
}

// The argument is unused: CAF 0.17 binds a spawn function's arguments through a
// tuple it leaves null when there are none, which UBSan reports.
named_actor::behavior_type named(Named*, int) {
  return shared_behaviour();
}

TEST(RunningActor, SharedHandlersActOnTheActorCafRuns) {
  caf::actor_system_config config;
  config.set("scheduler.max-threads", std::size_t{2});
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  std::vector<named_actor> actors;
  for (int i = 0; i < 16; ++i) actors.push_back(system.spawn(named, i));
  caf::scoped_actor self(system);
  constexpr int rounds = 200;
  // All asked at once, so that both workers run Named actors side by side.
  for (int round = 0; round < rounds; ++round) {
    for (auto& actor : actors) self->send(actor, whoami_atom::value);
  }
  std::size_t answers = 0;
  for (std::size_t i = 0; i < rounds * actors.size(); ++i) {
    self->receive(
        [&](caf::actor_id running) {
          ++answers;
          EXPECT_EQ(running, self->current_sender()->id());
        },
        caf::after(std::chrono::seconds(10)) >> [] { FAIL() << "an answer is missing"; });
  }
  EXPECT_EQ(answers, rounds * actors.size());
  EXPECT_EQ(Named::running(), nullptr);  // this thread runs none
  for (auto& actor : actors) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace chorus
