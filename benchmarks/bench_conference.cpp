// bench_conference: conference joins and leaves beside a raw-CAF floor, in one run.
//
// BM_ConferenceJoinLeave/<subscribers>: N answered calls (one single-destination
//   groupcall each, answered at once by the simulated driver) join C conferences
//   (call i joins conference i % C) with the bridge confirming at once (bridge
//   delay 0); then every participant is kicked. Timed per iteration:
//     joins: from the first join request to the last conferencecall_joined;
//     leaves: from the first kick to the last conferencecall_leaved.
//   Creating the calls and conferences, and ending them afterwards, is untimed.
//   With 0 subscribers nobody listens (no event is even built): the last joined is
//   found by reading the participants, the last leaved by live_conferencecalls
//   reaching 0. With S > 0, S subscribe_all subscriptions count the events, and
//   the first one's counts end the timing.
// BM_RawCafConference: the same actors and messages with no engine logic
//   (raw_conference_baseline.hpp).
//
// Counters: joins/s and leaves/s (participants over the summed phase times).
// Target (a closing note, never a test): >= 50,000 joins/s on 2 cores.

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/engine.hpp"
#include "benchmarks/raw_conference_baseline.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

constexpr std::size_t participant_count = 20000;
constexpr std::size_t conference_count = 200;

void wait_until(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::microseconds(50));
}

// Counts what a benchmark waits for; a subscriber's callback does nothing more.
struct EventCounts {
  std::atomic<std::size_t> answered{0};  // groupcall_progressing
  std::atomic<std::size_t> joined{0};
  std::atomic<std::size_t> leaved{0};

  chorus::EventCallback callback() {
    return [this](const chorus::Event& e) {
      switch (e.type()) {
        case chorus::EventType::groupcall_progressing:
          answered.fetch_add(1, std::memory_order_relaxed);
          break;
        case chorus::EventType::conferencecall_joined:
          joined.fetch_add(1, std::memory_order_relaxed);
          break;
        case chorus::EventType::conferencecall_leaved:
          leaved.fetch_add(1, std::memory_order_relaxed);
          break;
        default:
          break;
      }
    };
  }
};

class ConferenceRun {
 public:
  explicit ConferenceRun(benchmark::State& state) : state_(state) {
    chorus::EngineOptions options;
    options.worker_threads = 2;
    options.retained_groupcalls = participant_count;  // memory stays flat across iterations
    engine_ = std::make_unique<chorus::Engine>(
        std::make_shared<chorus::SimulatedLegDriver>(std::chrono::milliseconds(0)), options);
  }
  ~ConferenceRun() { engine_->stop(); }

  // C conferences and N answered calls that won; a temporary subscription sees
  // the answers, so that the timed phases start with only the measured listeners.
  bool prepare() {
    conferences_.clear();
    groupcalls_.clear();
    calls_.clear();
    for (std::size_t k = 0; k < conference_count; ++k) {
      chorus::ConferenceCreate request;
      request.customer_id = customer_;
      request.type = chorus::ConferenceType::conference;
      auto created = engine_->create_conference(request);
      if (!created) return fail(created.error().message);
      conferences_.push_back(created->id);
    }
    EventCounts counts;
    auto answers = engine_->subscribe_all(counts.callback());
    chorus::GroupcallRequest request;
    request.customer_id = customer_;
    request.source = {chorus::AddressType::tel, "+15550100", "", "", ""};
    request.destinations = {{chorus::AddressType::endpoint, "member@sim;answer=0", "", "", ""}};
    for (std::size_t i = 0; i < participant_count; ++i) {
      auto created = engine_->create_groupcall(request);
      if (!created) return fail(created.error().message);
      groupcalls_.push_back(created->id);
      calls_.push_back(created->call_ids.at(0));
    }
    wait_until([&] { return counts.answered.load() == participant_count; });
    return true;
  }

  // Every call joins; returns once every participant is joined.
  Seconds join_all(EventCounts* listener) {
    participants_.assign(participant_count, chorus::Uuid());
    std::atomic<std::size_t> replies{0};
    auto start = Clock::now();
    for (std::size_t i = 0; i < participant_count; ++i) ask_to_join(i, replies);
    wait_until([&] { return replies.load(std::memory_order_acquire) == participant_count; });
    if (listener) {
      wait_until([&] { return listener->joined.load() == participant_count; });
    } else {
      // Joins confirm roughly in the order asked: a cursor walks the participants.
      for (auto& id : participants_) {
        wait_until([&] {
          auto p = engine_->conferencecall(customer_, id);
          return !p || p->status != chorus::ConferencecallStatus::joining;
        });
      }
    }
    return Clock::now() - start;
  }

  // Every participant is kicked; returns once every one has leaved.
  Seconds kick_all(EventCounts* listener) {
    std::atomic<std::size_t> refused{0};
    auto start = Clock::now();
    for (auto& id : participants_) {
      engine_->kick_conferencecall(customer_, id, [&refused](auto kicked) {
        if (!kicked) refused.fetch_add(1, std::memory_order_relaxed);
      });
    }
    if (listener) {
      wait_until([&] { return listener->leaved.load() == participant_count; });
    } else {
      wait_until([&] { return engine_->stats().live_conferencecalls == 0; });
    }
    auto took = Clock::now() - start;
    if (refused.load() != 0) fail("a kick was refused");
    return took;
  }

  // Ends the calls and conferences, untimed.
  void clear() {
    for (auto& id : groupcalls_) engine_->hangup_groupcall(customer_, id, [](auto) {});
    for (auto& id : conferences_) engine_->delete_conference(customer_, id, [](auto) {});
    wait_until([&] {
      auto stats = engine_->stats();
      return stats.live_groupcalls == 0 && stats.live_conferences == 0;
    });
  }

  chorus::Engine& engine() { return *engine_; }
  std::size_t retried_joins() const { return retried_joins_.load(); }

 private:
  // A join refused because the call has not yet heard that it won is asked again.
  void ask_to_join(std::size_t i, std::atomic<std::size_t>& replies) {
    chorus::ConferencecallJoin request;
    request.customer_id = customer_;
    request.conference_id = conferences_[i % conference_count];
    request.reference_id = calls_[i];
    engine_->join_conference(
        request, [this, i, &replies](chorus::Result<chorus::Conferencecall> r) {
          if (r) {
            participants_[i] = r->id;
          } else if (r.error().message.find("not answered") != std::string::npos) {
            retried_joins_.fetch_add(1);
            return ask_to_join(i, replies);
          } else {
            fail("join: " + r.error().message);
          }
          replies.fetch_add(1, std::memory_order_release);
        });
  }

  bool fail(const std::string& why) {
    bool expected = false;
    if (failed_.compare_exchange_strong(expected, true)) state_.SkipWithError(why.c_str());
    return false;
  }

  benchmark::State& state_;
  std::unique_ptr<chorus::Engine> engine_;
  chorus::Uuid customer_ = chorus::Uuid::generate();
  std::vector<chorus::Uuid> conferences_;
  std::vector<chorus::Uuid> groupcalls_;
  std::vector<chorus::Uuid> calls_;
  std::vector<chorus::Uuid> participants_;
  std::atomic<std::size_t> retried_joins_{0};
  std::atomic<bool> failed_{false};
};

void report(benchmark::State& state, Seconds joins, Seconds leaves) {
  auto participants = static_cast<double>(state.iterations() * participant_count);
  state.counters["joins/s"] = participants / joins.count();
  state.counters["leaves/s"] = participants / leaves.count();
}

void BM_ConferenceJoinLeave(benchmark::State& state) {
  auto subscriber_count = static_cast<std::size_t>(state.range(0));
  ConferenceRun run(state);
  Seconds joins{0};
  Seconds leaves{0};
  for (auto _ : state) {
    if (!run.prepare()) break;
    std::vector<EventCounts> counts(subscriber_count);
    std::vector<chorus::Subscription> subscriptions;
    for (auto& c : counts) subscriptions.push_back(run.engine().subscribe_all(c.callback()));
    auto* listener = counts.empty() ? nullptr : &counts.front();
    auto joined = run.join_all(listener);
    auto left = run.kick_all(listener);
    state.SetIterationTime((joined + left).count());
    joins += joined;
    leaves += left;
    subscriptions.clear();
    run.clear();
  }
  report(state, joins, leaves);
  state.counters["retried_joins"] = static_cast<double>(run.retried_joins());
}

void BM_RawCafConference(benchmark::State& state) {
  caf::actor_system_config config;
  config.set("scheduler.max-threads", std::size_t{2});
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  Seconds joins{0};
  Seconds leaves{0};
  for (auto _ : state) {
    auto times = chorus::bench::run_raw_conferences(system, participant_count, conference_count);
    state.SetIterationTime((times.joins + times.leaves).count());
    joins += times.joins;
    leaves += times.leaves;
  }
  report(state, joins, leaves);
}

}  // namespace

BENCHMARK(BM_RawCafConference)->Iterations(5)->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK(BM_ConferenceJoinLeave)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

BENCHMARK_MAIN();
