// bench_engine: the engine's throughput beside a raw-CAF floor, in one run.
//
// BM_GroupcallLifecycle/<destinations>: ring_all groupcalls whose first
//   destination answers after 1 ms and hangs up 1 ms later; the others ring and
//   are cancelled. items_per_second counts legs through their whole lifecycle.
// BM_RawCafBaseline/<destinations>: the same actors and messages with no engine
//   logic (raw_caf_baseline.hpp).
//
// Targets (closing notes, never tests): >= 100,000 legs/s on 2 cores and >= 50%
// of the baseline measured in the same run.

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/engine.hpp"
#include "benchmarks/raw_caf_baseline.hpp"
#include "transport/simulated_leg_driver.hpp"

namespace {

constexpr std::size_t groupcalls_per_batch = 2000;

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

void wait_until_idle(chorus::Engine& engine) {
  while (engine.stats().live_groupcalls != 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

void BM_GroupcallLifecycle(benchmark::State& state) {
  auto legs = static_cast<std::size_t>(state.range(0));
  chorus::EngineOptions options;
  options.worker_threads = 2;
  options.retained_groupcalls = groupcalls_per_batch;  // memory stays flat across batches
  chorus::Engine engine(std::make_shared<chorus::SimulatedLegDriver>(), options);
  auto request = lifecycle_request(chorus::Uuid::generate(), legs);
  auto batch = groupcalls_per_batch / legs * 10;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) {
      auto created = engine.create_groupcall(request);
      if (!created) state.SkipWithError(created.error().message.c_str());
    }
    wait_until_idle(engine);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch * legs));
  engine.stop();
}

void BM_RawCafBaseline(benchmark::State& state) {
  auto legs = static_cast<std::size_t>(state.range(0));
  caf::actor_system_config config;
  config.set("scheduler.max-threads", std::size_t{2});
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system(config);
  auto batch = groupcalls_per_batch / legs * 10;
  for (auto _ : state) chorus::bench::run_raw_groupcalls(system, batch, legs);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch * legs));
}

}  // namespace

BENCHMARK(BM_RawCafBaseline)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GroupcallLifecycle)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
