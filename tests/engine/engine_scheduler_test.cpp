// The engine's CAF scheduler: actors that never set a CAF timeout quit without a
// trip through the clock thread, while CAF's own timeouts (a behaviour's `after`,
// a request's deadline) and delayed messages still work, and an actor that did
// set one still has it cancelled when it quits.

#include "actors/engine_scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/all.hpp>

namespace chorus {
namespace {

using namespace std::chrono_literals;

using ping_atom = caf::atom_constant<caf::atom("ping")>;

// Every actor here is spawned with at least one argument: CAF 0.17 binds the
// arguments of a spawn function through a tuple it leaves null when there are
// none, which UBSan reports as a null reference in CAF's own headers.

// Answers `replies` pings, then quits; it never sets a CAF timeout.
caf::behavior replier(caf::event_based_actor* self, int replies) {
  return {[self, replies](ping_atom) mutable {
    if (--replies == 0) self->quit();
    return ping_atom::value;
  }};
}

// Waits for an hour (a CAF timeout), then quits at once on its own ping.
caf::behavior waits_an_hour(caf::event_based_actor* self, std::promise<void>* quit) {
  self->attach_functor([quit] { quit->set_value(); });
  self->send(self, ping_atom::value);
  return {
      [self](ping_atom) { self->quit(); },
      caf::after(std::chrono::seconds(3600)) >> [] {},
  };
}

// Quits when it has been idle for `idle`.
caf::behavior idles_out(caf::event_based_actor* self, std::chrono::milliseconds idle,
                        std::promise<void>* fired) {
  return {caf::after(idle) >> [self, fired] {
    fired->set_value();
    self->quit();
  }};
}

// Takes a ping and never answers it: its requester's deadline must fire.
caf::behavior never_answers(caf::event_based_actor*, std::promise<void>* asked) {
  return {[asked](ping_atom) -> caf::result<ping_atom> {
    asked->set_value();
    return caf::delegated<ping_atom>();
  }};
}

// Sends itself a delayed ping and asks `peer` with a short deadline.
caf::behavior delays_and_asks(caf::event_based_actor* self, caf::actor peer,
                              std::promise<void>* delayed, std::promise<void>* timed_out) {
  self->delayed_send(self, std::chrono::milliseconds(5), ping_atom::value);
  self->request(peer, std::chrono::milliseconds(5), ping_atom::value)
      .then([](ping_atom) {},
            [timed_out](caf::error& e) {
              if (e == caf::sec::request_timeout) timed_out->set_value();
            });
  return {[delayed](ping_atom) { delayed->set_value(); }};
}

using logger_atom = caf::atom_constant<caf::atom("logger")>;

// Answers whether the worker it runs on has a current CAF logger.
caf::behavior logger_probe(caf::event_based_actor*, int) {
  return {[](logger_atom) { return caf::logger::current_logger() != nullptr; }};
}

// Whether each of `probes` actors found a CAF logger on its worker.
std::vector<bool> workers_with_logger(caf::actor_system& system, int probes) {
  std::vector<bool> found;
  caf::scoped_actor self(system);
  for (int i = 0; i < probes; ++i) {
    auto probe = self->spawn(logger_probe, i);
    self->request(probe, caf::infinite, logger_atom::value)
        .receive([&](bool has_logger) { found.push_back(has_logger); },
                 [](caf::error& e) { FAIL() << caf::to_string(e); });
    self->send_exit(probe, caf::exit_reason::user_shutdown);
  }
  return found;
}

// Holds its worker until `release` is ready, having said so through `entered`.
caf::behavior gate(caf::event_based_actor*, std::shared_future<void> release,
                   std::promise<void>* entered) {
  return {[release, entered](ping_atom) {
    entered->set_value();
    release.wait();
  }};
}

// Notes `tag` in `order` on its ping.
struct RunOrder {
  std::mutex mutex;
  std::vector<int> tags;
  std::promise<void> complete;
  std::size_t expected = 0;
};

caf::behavior noter(caf::event_based_actor*, int tag, RunOrder* order) {
  return {[tag, order](ping_atom) {
    std::lock_guard<std::mutex> guard(order->mutex);
    order->tags.push_back(tag);
    if (order->tags.size() == order->expected) order->complete.set_value();
  }};
}

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
      auto worker = self->spawn(replier, 1);
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
  system.spawn(waits_an_hour, &quit);
  ASSERT_EQ(quit.get_future().wait_for(10s), std::future_status::ready);
  // CAF cancels the timeouts last in an actor's cleanup, after its attached
  // functors ran and after it stopped counting as running: wait for the count.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (timeout_cancellations_sent(system) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(timeout_cancellations_sent(system), 1u);
}

TEST(EngineScheduler, CafTimeoutsAndDelayedMessagesStillFire) {
  caf::actor_system_config config;
  caf::actor_system system(engine_config(config));
  std::promise<void> idle_timeout, asked, delayed, request_timeout;
  system.spawn(idles_out, std::chrono::milliseconds(5), &idle_timeout);
  auto silent = system.spawn(never_answers, &asked);
  system.spawn(delays_and_asks, silent, &delayed, &request_timeout);
  EXPECT_EQ(idle_timeout.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(delayed.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(asked.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(request_timeout.get_future().wait_for(10s), std::future_status::ready);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

// CAF's own bookkeeping for its log (a locked map of each thread's actor id,
// updated on every job) is skipped where no logger is current.
TEST(EngineScheduler, WorkersRunWithoutCafsLogger) {
  caf::actor_system_config config;
  caf::actor_system system(engine_config(config));
  EXPECT_EQ(workers_with_logger(system, 20), std::vector<bool>(20, false));
}

// Work woken from the timer lane (the clock thread, a firing supervisor) runs
// before work queued earlier: a ring timeout is not late behind a teardown.
TEST(EngineScheduler, WorkWokenOnTheTimerLaneRunsBeforeWorkQueuedEarlier) {
  caf::actor_system_config config;
  engine_config(config).set("scheduler.max-threads", std::size_t{1});
  caf::actor_system system(config);
  constexpr int queued = 200, timer = -1;
  RunOrder order;
  order.expected = queued + 1;
  std::vector<caf::actor> noters;
  for (int i = 0; i < queued; ++i) noters.push_back(system.spawn(noter, i, &order));
  auto timer_noter = system.spawn(noter, timer, &order);
  // The one worker is held while the jobs are queued, so that their order is
  // the queue's alone.
  std::promise<void> release, entered;
  auto held = system.spawn(gate, release.get_future().share(), &entered);
  caf::anon_send(held, ping_atom::value);
  ASSERT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);
  for (auto& n : noters) caf::anon_send(n, ping_atom::value);
  {
    TimerLane lane;
    caf::anon_send(timer_noter, ping_atom::value);
  }
  release.set_value();
  ASSERT_EQ(order.complete.get_future().wait_for(10s), std::future_status::ready);
  ASSERT_EQ(order.tags.size(), static_cast<std::size_t>(queued + 1));
  EXPECT_EQ(order.tags.front(), timer);
  // The rest keep their order.
  EXPECT_TRUE(std::is_sorted(order.tags.begin() + 1, order.tags.end()));
  caf::anon_send_exit(held, caf::exit_reason::user_shutdown);
  for (auto& n : noters) caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(timer_noter, caf::exit_reason::user_shutdown);
}

TEST(EngineScheduler, IsNotInstalledWithoutBeingAskedFor) {
  caf::actor_system_config config;
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  {
    caf::scoped_actor self(system);
    self->request(system.spawn(replier, 1), caf::infinite, ping_atom::value)
        .receive([](ping_atom) {}, [](caf::error& e) { FAIL() << caf::to_string(e); });
  }
  system.await_all_actors_done();
  EXPECT_EQ(timeout_cancellations_sent(system), 0u);
  // CAF's default gives every worker the system's logger.
  EXPECT_EQ(workers_with_logger(system, 5), std::vector<bool>(5, true));
}

}  // namespace
}  // namespace chorus
