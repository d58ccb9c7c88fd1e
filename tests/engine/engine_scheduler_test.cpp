// The engine's CAF scheduler: actors that never set a CAF timeout quit without a
// trip through the clock thread, while CAF's own timeouts (a behaviour's `after`,
// a request's deadline) and delayed messages still work, and an actor that did
// set one still has it cancelled when it quits.

#include "actors/engine_scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

#include <caf/all.hpp>

namespace chorus {
namespace {

using namespace std::chrono_literals;

using ping_atom = caf::atom_constant<caf::atom("ping")>;

caf::actor_system_config& engine_config(caf::actor_system_config& config) {
  use_engine_scheduler(config);
  config.set("scheduler.max-threads", std::size_t{2});
  config.set("logger.verbosity", caf::atom("quiet"));
  return config;
}

TEST(EngineScheduler, ActorsWithoutTimeoutsQuitWithoutCancellingAny) {
  caf::actor_system_config config;
  caf::actor_system system(engine_config(config));
  {
    caf::scoped_actor self(system);
    for (int i = 0; i < 1000; ++i) {
      auto worker = self->spawn([](caf::event_based_actor* actor) -> caf::behavior {
        return {[actor](ping_atom) {
          actor->quit();
          return ping_atom::value;
        }};
      });
      self->request(worker, caf::infinite, ping_atom::value)
          .receive([](ping_atom) {}, [](caf::error& e) { FAIL() << caf::to_string(e); });
    }
  }
  system.await_all_actors_done();
  EXPECT_EQ(timeout_cancellations_sent(system), 0u);
}

TEST(EngineScheduler, AnActorThatSetATimeoutHasItCancelledAsItQuits) {
  caf::actor_system_config config;
  caf::actor_system system(engine_config(config));
  std::promise<void> quit;
  system.spawn([&quit](caf::event_based_actor* actor) -> caf::behavior {
    actor->attach_functor([&quit] { quit.set_value(); });
    actor->send(actor, ping_atom::value);
    return {
        [actor](ping_atom) { actor->quit(); },
        caf::after(std::chrono::seconds(3600)) >> [] {},
    };
  });
  ASSERT_EQ(quit.get_future().wait_for(10s), std::future_status::ready);
  system.await_all_actors_done();
  EXPECT_EQ(timeout_cancellations_sent(system), 1u);
}

TEST(EngineScheduler, CafTimeoutsAndDelayedMessagesStillFire) {
  caf::actor_system_config config;
  caf::actor_system system(engine_config(config));
  std::promise<void> idle_timeout, delayed, request_timeout;
  system.spawn([&idle_timeout](caf::event_based_actor* actor) -> caf::behavior {
    return {caf::after(5ms) >> [actor, &idle_timeout] {
      idle_timeout.set_value();
      actor->quit();
    }};
  });
  auto silent = system.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](ping_atom) -> caf::result<ping_atom> { return caf::delegated<ping_atom>(); }};
  });
  system.spawn([&, silent](caf::event_based_actor* actor) -> caf::behavior {
    actor->delayed_send(actor, 5ms, ping_atom::value);
    actor->request(silent, 5ms, ping_atom::value)
        .then([](ping_atom) {},
              [&request_timeout](caf::error& e) {
                if (e == caf::sec::request_timeout) request_timeout.set_value();
              });
    return {[&delayed](ping_atom) { delayed.set_value(); }};
  });
  EXPECT_EQ(idle_timeout.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(delayed.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(request_timeout.get_future().wait_for(10s), std::future_status::ready);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

TEST(EngineScheduler, IsNotInstalledWithoutBeingAskedFor) {
  caf::actor_system_config config;
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  system.spawn([](caf::event_based_actor* actor) -> caf::behavior {
    actor->quit();
    return {};
  });
  system.await_all_actors_done();
  EXPECT_EQ(timeout_cancellations_sent(system), 0u);
}

}  // namespace
}  // namespace chorus
