// bench_engine: the engine's throughput beside a raw-CAF floor, in one run.
//
// BM_GroupcallLifecycle/<destinations>: ring_all groupcalls whose first
//   destination answers after 1 ms and hangs up 1 ms later; the others ring and
//   are cancelled. items_per_second counts legs through their whole lifecycle.
//   Creations go out asynchronously, at most in_flight_limit awaiting their
//   answer, as from a server's many connections (and as the baseline spawns).
// BM_GroupcallLifecycleOneByOne/<destinations>: the same, each creation waiting
//   for its answer before the next is sent: one caller's round trip to the
//   engine's threads and back is in every groupcall.
// BM_GroupcallLifecycleStored/<destinations>/<full|normal>: the same groupcalls
//   with a SqliteStore (synchronous FULL or NORMAL) in a fresh temp directory:
//   each creation answers after its commit and dials only then. Counters
//   from Engine::stats(): commits/s, rows/s, changes/s, rows/commit and the
//   commit latency p50/p99 in microseconds.
// BM_GroupcallLifecyclePostgres/<destinations>/<full|normal>: the same on the
//   PostgreSQL store, registered only when CHORUS_BENCH_POSTGRES_URL is set
//   (run_store_benchmarks.sh starts a server of its own and sets it).
// BM_GroupcallLifecycleNullStore/<destinations>: the same with a store that keeps
//   nothing (null_store.hpp): the store writer's own cost, without a disk.
// BM_RawCafBaseline/<destinations>: the same actors and messages with no engine
//   logic (raw_caf_baseline.hpp).
//
// Targets (closing notes, never tests): >= 100,000 legs/s on 2 cores and >= 50%
// of the baseline measured in the same run; with the store and sync full, >= 80%
// of the store-off legs/s.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/engine.hpp"
#include "actors/store/postgres_store.hpp"
#include "actors/store/sqlite_store.hpp"
#include "benchmarks/in_flight_window.hpp"
#include "benchmarks/null_store.hpp"
#include "benchmarks/raw_caf_baseline.hpp"
#include "tests/scratch_dir.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace {

constexpr std::size_t groupcalls_per_batch = 2000;
// Stored creations awaiting their commit at once: bounds the queue (and memory)
// while leaving the writer whole batches to group.
constexpr std::size_t in_flight_limit = 2000;

chorus::GroupcallRequest lifecycle_request(const chorus::Uuid& customer, std::size_t legs) {
  chorus::GroupcallRequest request;
  request.customer_id = customer;
  request.source = {chorus::AddressType::tel, "+15550100", "", "", ""};
  request.ring_method = chorus::RingMethod::ring_all;
  request.destinations.push_back(
      {chorus::AddressType::endpoint, "winner@sim;answer=1;hangup=1", "", "", ""});
  for (std::size_t i = 1; i < legs; ++i) {
    request.destinations.push_back({chorus::AddressType::endpoint, "loser@sim", "", "", ""});
  }
  return request;
}

// CPU time of the whole process (every thread: workers, clock, caller), in
// microseconds. On a shared machine wall-clock rates move with the neighbours'
// load; CPU per leg moves much less, so it is the figure to compare changes by.
double process_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + static_cast<double>(t.tv_usec); };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

// Reports the process CPU spent per leg since `start_us`.
void report_cpu_per_leg(benchmark::State& state, double start_us, std::uint64_t legs) {
  if (legs == 0) return;
  state.counters["cpu_us/leg"] = (process_cpu_us() - start_us) / static_cast<double>(legs);
}

// With a store, a resource stops being live only once its final state is
// committed, so an idle engine has nothing left queued for the disk either.
void wait_until_idle(chorus::Engine& engine) {
  while (engine.stats().live_groupcalls != 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

void BM_GroupcallLifecycleOneByOne(benchmark::State& state) {
  auto legs = static_cast<std::size_t>(state.range(0));
  chorus::EngineOptions options;
  options.worker_threads = 2;
  options.retained_groupcalls = groupcalls_per_batch;  // memory stays flat across batches
  chorus::Engine engine(std::make_shared<chorus::SimulatedLegDriver>(), options);
  auto request = lifecycle_request(chorus::Uuid::generate(), legs);
  auto batch = groupcalls_per_batch / legs * 10;
  auto cpu_start = process_cpu_us();
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) {
      auto created = engine.create_groupcall(request);
      if (!created) state.SkipWithError(created.error().message.c_str());
    }
    wait_until_idle(engine);
  }
  auto legs_run = static_cast<std::uint64_t>(state.iterations() * batch * legs);
  report_cpu_per_leg(state, cpu_start, legs_run);
  state.SetItemsProcessed(static_cast<std::int64_t>(legs_run));
  engine.stop();
}

// What the store did during a run, as rates over the measured (real) time.
void report_store(benchmark::State& state, const chorus::EngineStats& stats) {
  using benchmark::Counter;
  auto commits = static_cast<double>(stats.store_commits);
  auto rows = static_cast<double>(stats.store_rows);
  state.counters["commits/s"] = Counter(commits, Counter::kIsRate);
  state.counters["rows/s"] = Counter(rows, Counter::kIsRate);
  state.counters["changes/s"] = Counter(static_cast<double>(stats.store_changes), Counter::kIsRate);
  state.counters["rows/commit"] = commits > 0 ? rows / commits : 0.0;
  state.counters["commit_p50_us"] = static_cast<double>(stats.store_commit_p50.count());
  state.counters["commit_p99_us"] = static_cast<double>(stats.store_commit_p99.count());
  if (stats.store_failures != 0) state.SkipWithError("the store failed a commit");
}

// Runs the lifecycle batches on an engine with `options` and `store` (null: the
// store off): creations go out asynchronously, at most in_flight_limit awaiting
// their answer (with a store, their commit).
void run_lifecycle(benchmark::State& state, std::size_t legs, const chorus::EngineOptions& options,
                   std::shared_ptr<chorus::Store> store) {
  const bool stored = store != nullptr;
  chorus::Engine engine(std::make_shared<chorus::SimulatedLegDriver>(), options, std::move(store));
  auto request = lifecycle_request(chorus::Uuid::generate(), legs);
  auto batch = groupcalls_per_batch / legs * 10;  // the store-off variant's legs per iteration
  chorus::bench::InFlightWindow window(in_flight_limit);
  auto cpu_start = process_cpu_us();
  auto answered = [&window](chorus::Result<chorus::Groupcall> created) {
    window.leave(created ? nullptr : &created.error().message);
  };
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) {
      window.enter();
      engine.create_groupcall(request, answered);
    }
    window.drain();
    wait_until_idle(engine);
  }
  auto legs_run = static_cast<std::uint64_t>(state.iterations() * batch * legs);
  report_cpu_per_leg(state, cpu_start, legs_run);
  auto stats = engine.stats();
  if (auto failure = window.first_failure()) state.SkipWithError(failure->c_str());
  // Every creation answered yes: every leg must have been dialled, or legs/s lies.
  if (stats.legs_dialled != legs_run) state.SkipWithError("legs dialled differ from legs created");
  state.SetItemsProcessed(static_cast<std::int64_t>(legs_run));
  if (stored) report_store(state, stats);
  engine.stop();
}

void BM_GroupcallLifecycle(benchmark::State& state) {
  chorus::EngineOptions options;
  options.worker_threads = 2;
  options.retained_groupcalls = groupcalls_per_batch;  // memory stays flat across batches
  run_lifecycle(state, static_cast<std::size_t>(state.range(0)), options, nullptr);
}

void run_stored_lifecycle(benchmark::State& state, std::size_t legs,
                          std::shared_ptr<chorus::Store> store,
                          chorus::StoreOptions store_options) {
  chorus::EngineOptions options;
  options.worker_threads = 2;
  options.store = std::move(store_options);
  run_lifecycle(state, legs, options, std::move(store));
}

void BM_GroupcallLifecycleStored(benchmark::State& state, std::size_t legs, chorus::SyncMode sync) {
  std::optional<chorus::test::ScratchDir> dir;
  try {
    dir.emplace();
  } catch (const std::exception& e) {
    return state.SkipWithError(e.what());
  }
  chorus::StoreOptions store_options;
  store_options.data_dir = dir->path();
  store_options.sync = sync;
  auto store = chorus::SqliteStore::open(store_options);
  if (!store) return state.SkipWithError(store.error().message.c_str());
  // The engine (and with it the database) goes before the directory does.
  run_stored_lifecycle(state, legs, std::move(store).value(), store_options);
}

// The same on PostgreSQL (CHORUS_BENCH_POSTGRES_URL, which run_store_benchmarks.sh
// sets to a server of its own): what one node of a cluster pays for its store.
void BM_GroupcallLifecyclePostgres(benchmark::State& state, std::size_t legs, chorus::SyncMode sync,
                                   std::string url) {
  chorus::StoreOptions store_options;
  store_options.postgres_url = std::move(url);
  store_options.sync = sync;
  auto store = chorus::PostgresStore::open(store_options);
  if (!store) return state.SkipWithError(store.error().message.c_str());
  run_stored_lifecycle(state, legs, std::move(store).value(), store_options);
}

void BM_GroupcallLifecycleNullStore(benchmark::State& state) {
  auto legs = static_cast<std::size_t>(state.range(0));
  run_stored_lifecycle(state, legs, std::make_shared<chorus::bench::NullStore>(), {});
}

void BM_RawCafBaseline(benchmark::State& state) {
  auto legs = static_cast<std::size_t>(state.range(0));
  caf::actor_system_config config;
  config.set("scheduler.max-threads", std::size_t{2});
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  auto batch = groupcalls_per_batch / legs * 10;
  auto cpu_start = process_cpu_us();
  for (auto _ : state) chorus::bench::run_raw_groupcalls(system, batch, legs);
  auto legs_run = static_cast<std::uint64_t>(state.iterations() * batch * legs);
  report_cpu_per_leg(state, cpu_start, legs_run);
  state.SetItemsProcessed(static_cast<std::int64_t>(legs_run));
}

}  // namespace

BENCHMARK(BM_RawCafBaseline)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GroupcallLifecycle)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GroupcallLifecycleOneByOne)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

namespace {

// Registered by name after the store-off ones (static initialisers run in order
// within a file), so that the sync mode reads as a word: .../10/full.
bool register_stored_lifecycles() {
  const std::pair<const char*, chorus::SyncMode> syncs[] = {{"full", chorus::SyncMode::full},
                                                            {"normal", chorus::SyncMode::normal}};
  for (std::size_t legs : {1, 10}) {
    for (const auto& [word, sync] : syncs) {
      auto name = "BM_GroupcallLifecycleStored/" + std::to_string(legs) + "/" + word;
      benchmark::RegisterBenchmark(name.c_str(), BM_GroupcallLifecycleStored, legs, sync)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  if (const char* url = std::getenv("CHORUS_BENCH_POSTGRES_URL")) {
    for (std::size_t legs : {1, 10}) {
      for (const auto& [word, sync] : syncs) {
        auto name = "BM_GroupcallLifecyclePostgres/" + std::to_string(legs) + "/" + word;
        benchmark::RegisterBenchmark(name.c_str(), BM_GroupcallLifecyclePostgres, legs, sync,
                                     std::string(url))
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
  benchmark::RegisterBenchmark("BM_GroupcallLifecycleNullStore", BM_GroupcallLifecycleNullStore)
      ->Arg(1)
      ->Arg(10)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  return true;
}

const bool stored_lifecycles_registered = register_stored_lifecycles();

}  // namespace

BENCHMARK_MAIN();
