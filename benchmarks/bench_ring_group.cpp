// bench_ring_group: ring-group dials per second beside plain groupcalls, in one run.
//
// Ten extensions, one simulated contact each: the first nine report busy as soon
// as they are dialled, the tenth answers at once and hangs up at once. So every
// strategy runs its whole schedule on the fast path, without waiting a second:
// ring_all rings the ten together, sequentially and memory_hunt step through the
// nine declines to the tenth, custom rings the ten with its delay 0 and timeouts.
//
// BM_RingGroupVsPlain/<strategy>: on one engine, batches of two kinds of dial
//   take turns (an untimed one of each first):
//   ring group: Engine::ring_group_call to a ring group of that strategy over the
//     ten extensions (ring_timeout 30; custom members delay_time 0, timeout 20);
//   plain: create_groupcall over the same ten extensions with the matching native
//     ring_method (ring_all, linear, memory_hunt, and for custom ring_all with each
//     destination's delay 0 and timeout 20).
//   Both build the same tree (a groupcall over ten extension groupcalls of one leg
//   each); a batch of dials goes out, then the engine runs until nothing is live.
//   Counters: group/s and plain/s (dials, i.e. groupcalls through their whole
//   lifecycle, over each kind's summed batch times) and their ratio.
//
// After the runs a table gives, per strategy, both rates and their ratio.
// Target (issue 16, a closing note, never a test): ring-group >= 0.8 of plain.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actors/engine.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

constexpr std::size_t member_count = 10;
constexpr std::size_t dials_per_batch = 2000;
constexpr std::int32_t custom_timeout = 20;

struct Strategy {
  const char* name;
  chorus::RingStrategy ring_strategy;
  chorus::RingMethod native_method;
  bool own_timeouts;  // the plain groupcall carries per-destination delay and timeout
};

const Strategy strategies[] = {
    {"ring_all", chorus::RingStrategy::ring_all, chorus::RingMethod::ring_all, false},
    {"sequentially", chorus::RingStrategy::sequentially, chorus::RingMethod::linear, false},
    {"memory_hunt", chorus::RingStrategy::memory_hunt, chorus::RingMethod::memory_hunt, false},
    {"custom", chorus::RingStrategy::custom, chorus::RingMethod::ring_all, true},
};

// Dials per second measured, by strategy: what the closing table prints.
struct Rates {
  double ring_group = 0;
  double plain = 0;
};
std::map<std::string, Rates> measured;

// An engine with the ten extensions and one ring group of `strategy` over them.
class RingGroupBench {
 public:
  RingGroupBench(benchmark::State& state, const Strategy& strategy)
      : state_(state), strategy_(strategy) {
    chorus::EngineOptions options;
    options.worker_threads = 2;
    options.retained_groupcalls = dials_per_batch;  // memory stays flat across batches
    engine_ =
        std::make_unique<chorus::Engine>(std::make_shared<chorus::SimulatedLegDriver>(), options);
    for (std::size_t i = 0; i < member_count; ++i) put_extension(i);
    put_ring_group();
  }
  ~RingGroupBench() { engine_->stop(); }

  // One batch of dials, timed from the first to the whole batch having ended.
  Seconds ring_group_batch() {
    chorus::RingGroupCallRequest request;
    request.customer_id = customer_;
    request.number = "6000";
    request.source = {chorus::AddressType::tel, "+15550100", "", "", ""};
    auto start = Clock::now();
    for (std::size_t i = 0; i < dials_per_batch; ++i) {
      auto created = engine_->ring_group_call(request);
      if (!created) return fail(created.error().message);
    }
    wait_until_idle();
    return Clock::now() - start;
  }

  Seconds plain_batch() {
    chorus::GroupcallRequest request;
    request.customer_id = customer_;
    request.source = {chorus::AddressType::tel, "+15550100", "", "", ""};
    request.ring_method = strategy_.native_method;
    request.ring_timeout = 30;
    for (auto& id : extensions_) {
      chorus::Address destination{chorus::AddressType::extension, id.to_string(), "", "", ""};
      if (strategy_.own_timeouts) destination.timeout = custom_timeout;
      request.destinations.push_back(destination);
    }
    auto start = Clock::now();
    for (std::size_t i = 0; i < dials_per_batch; ++i) {
      auto created = engine_->create_groupcall(request);
      if (!created) return fail(created.error().message);
    }
    wait_until_idle();
    return Clock::now() - start;
  }

  // Every leg of every dial must have been dialled, or dials/s lies.
  void check_legs(std::size_t dials) {
    auto dialled = engine_->stats().legs_dialled;
    if (dialled != dials * member_count) {
      fail("legs dialled: " + std::to_string(dialled) + ", expected " +
           std::to_string(dials * member_count));
    }
  }

 private:
  // Nine members decline at once; the last answers at once and hangs up.
  void put_extension(std::size_t i) {
    chorus::Extension ext;
    ext.customer_id = customer_;
    ext.extension = std::to_string(3000 + i);
    ext.name = "member " + ext.extension;
    std::string script = i + 1 < member_count ? ";busy=0" : ";answer=0;hangup=0";
    ext.contacts = {
        {chorus::AddressType::endpoint, "m" + ext.extension + "@sim" + script, "", "", ""}};
    auto put = engine_->put_extension(ext);
    if (!put) throw std::runtime_error("put_extension: " + put.error().message);
    extensions_.push_back(put->id);
  }

  void put_ring_group() {
    chorus::RingGroup group;
    group.customer_id = customer_;
    group.number = "6000";
    group.name = std::string("bench ") + strategy_.name;
    group.ring_strategy = strategy_.ring_strategy;
    group.ring_timeout = 30;
    for (std::size_t i = 0; i < member_count; ++i) {
      chorus::RingGroupMember member;
      member.value = std::to_string(3000 + i);
      member.type = chorus::RingGroupMemberType::extension;
      if (strategy_.own_timeouts) member.timeout = custom_timeout;
      group.member_list.push_back(member);
    }
    auto put = engine_->put_ring_group(group);
    if (!put) throw std::runtime_error("put_ring_group: " + put.error().message);
  }

  void wait_until_idle() {
    while (engine_->stats().live_groupcalls != 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }

  Seconds fail(const std::string& why) {
    state_.SkipWithError(why.c_str());
    return Seconds{0};
  }

  benchmark::State& state_;
  const Strategy& strategy_;
  std::unique_ptr<chorus::Engine> engine_;
  chorus::Uuid customer_ = chorus::Uuid::generate();
  std::vector<chorus::Uuid> extensions_;
};

// Alternates batches of plain dials and ring-group dials on one engine, so that
// both meet the same load; an untimed batch of each warms the engine up first.
void BM_RingGroupVsPlain(benchmark::State& state, const Strategy* strategy) {
  RingGroupBench bench(state, *strategy);
  bench.plain_batch();
  bench.ring_group_batch();
  Seconds plain{0};
  Seconds ring_group{0};
  std::size_t dials = 0;
  for (auto _ : state) {
    auto p = bench.plain_batch();
    auto g = bench.ring_group_batch();
    state.SetIterationTime((p + g).count());
    plain += p;
    ring_group += g;
    dials += dials_per_batch;
  }
  bench.check_legs(2 * (dials + dials_per_batch));
  auto rate = [dials](Seconds took) {
    return took.count() > 0 ? static_cast<double>(dials) / took.count() : 0.0;
  };
  auto& rates = measured[strategy->name];
  rates = {rate(ring_group), rate(plain)};
  state.SetItemsProcessed(static_cast<std::int64_t>(2 * dials));
  state.counters["group/s"] = rates.ring_group;
  state.counters["plain/s"] = rates.plain;
  state.counters["ratio"] = rates.plain > 0 ? rates.ring_group / rates.plain : 0.0;
}

bool register_dials() {
  for (const Strategy& s : strategies) {
    auto name = std::string("BM_RingGroupVsPlain/") + s.name;
    benchmark::RegisterBenchmark(name.c_str(), BM_RingGroupVsPlain, &s)
        ->Iterations(10)
        ->Unit(benchmark::kMillisecond)
        ->UseManualTime();
  }
  return true;
}

const bool dials_registered = register_dials();

void print_table() {
  std::printf("\n%-14s %18s %18s %8s\n", "strategy", "ring-group dials/s", "plain dials/s",
              "ratio");
  for (const Strategy& s : strategies) {
    auto i = measured.find(s.name);
    if (i == measured.end()) continue;  // filtered out
    auto& r = i->second;
    std::printf("%-14s %18.0f %18.0f %8.2f\n", s.name, r.ring_group, r.plain,
                r.plain > 0 ? r.ring_group / r.plain : 0.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  print_table();
  return 0;
}
