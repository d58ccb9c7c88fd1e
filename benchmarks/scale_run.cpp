// bench_scale: holds K concurrent ringing legs and reports
//   - creation rate (legs/s),
//   - RSS bytes per concurrent ringing leg (target <= 2 KiB),
//   - answer -> last cancel dispatched to the driver, p50/p99, measured on
//     sample groupcalls while the K legs keep ringing (target p99 < 1 ms),
//   - ring-timeout lateness p50/p99 when the K legs time out together.
//
//   bench_scale [legs=100000] [legs_per_groupcall=10] [ring_timeout_s=30] [samples=500]
//
// Bounded: it ends when every leg has timed out (or after ring_timeout + 120 s).

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "actors/engine.hpp"
#include "benchmarks/recording_leg_driver.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::size_t resident_bytes() {
  long pages_total = 0, pages_resident = 0;
  if (auto* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<std::size_t>(pages_resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

template <class Predicate>
bool wait_for(Predicate done, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

double percentile_ms(std::vector<std::chrono::nanoseconds> v, double fraction) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto index = std::min(v.size() - 1, static_cast<std::size_t>(fraction * (v.size() - 1) + 0.5));
  return std::chrono::duration<double, std::milli>(v[index]).count();
}

chorus::GroupcallRequest request_for(const chorus::Uuid& customer, const char* target,
                                     std::size_t legs, int ring_timeout) {
  chorus::GroupcallRequest request;
  request.customer_id = customer;
  request.source = {chorus::AddressType::tel, "+15550100", "", "", ""};
  request.ring_method = chorus::RingMethod::ring_all;
  request.ring_timeout = ring_timeout;
  for (std::size_t i = 0; i < legs; ++i) {
    request.destinations.push_back({chorus::AddressType::endpoint, target, "", "", ""});
  }
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t legs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  std::size_t per_groupcall = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10;
  int ring_timeout = argc > 3 ? std::atoi(argv[3]) : 30;
  std::size_t samples = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 500;
  auto groupcalls = legs / per_groupcall;

  auto simulated = std::make_shared<chorus::SimulatedLegDriver>();
  auto recording = std::make_shared<chorus::bench::RecordingLegDriver>();
  chorus::EngineOptions options;
  options.retained_groupcalls = 1;  // measure live legs, not history
  chorus::Engine engine(std::make_shared<chorus::bench::SplitLegDriver>(simulated, recording),
                        options);
  auto customer = chorus::Uuid::generate();

  // Phase 1: K ringing legs.
  auto rss_before = resident_bytes();
  auto bulk = request_for(customer, "ringing@sim", per_groupcall, ring_timeout);
  auto started = Clock::now();
  for (std::size_t i = 0; i < groupcalls; ++i) {
    if (!engine.create_groupcall(bulk)) return 1;
  }
  bool dialled = wait_for([&] { return simulated->dials() >= groupcalls * per_groupcall; },
                          std::chrono::seconds(ring_timeout));
  auto created_in = std::chrono::duration<double>(Clock::now() - started).count();
  if (!dialled) {
    std::fprintf(stderr, "only %llu of %zu legs dialled before the ring timeout\n",
                 static_cast<unsigned long long>(simulated->dials()), groupcalls * per_groupcall);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let ringing settle
  auto rss_ringing = resident_bytes();
  auto total_legs = groupcalls * per_groupcall;

  // Phase 2: answer one leg of each sample groupcall while the K legs ring.
  auto sample = request_for(customer, "sample@rec", per_groupcall, ring_timeout);
  std::vector<chorus::Groupcall> sampled;
  for (std::size_t i = 0; i < samples; ++i) sampled.push_back(*engine.create_groupcall(sample));
  wait_for([&] { return recording->dialled() >= samples * per_groupcall; },
           std::chrono::seconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (auto& g : sampled) {
    recording->report(g.call_ids[0], chorus::LegReport::answered);
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // paced, not a burst
  }
  wait_for([&] { return recording->answer_to_last_cancel(per_groupcall - 1).size() >= samples; },
           std::chrono::seconds(10));
  auto answer_latency = recording->answer_to_last_cancel(per_groupcall - 1);
  for (auto& g : sampled) recording->report(g.call_ids[0], chorus::LegReport::remote_hangup);

  // Phase 3: the K legs time out together.
  wait_for([&] { return engine.stats().live_calls == 0; },
           std::chrono::seconds(ring_timeout + 120));
  auto stats = engine.stats();

  std::printf("legs ringing at once:            %zu (%zu groupcalls of %zu)\n", total_legs,
              groupcalls, per_groupcall);
  std::printf("creation rate:                   %.0f legs/s\n", total_legs / created_in);
  std::printf("RSS per ringing leg:             %.0f bytes (target <= 2048)\n",
              static_cast<double>(rss_ringing - rss_before) / static_cast<double>(total_legs));
  std::printf("answer -> last cancel (n=%zu):   p50 %.3f ms, p99 %.3f ms (target p99 < 1 ms)\n",
              answer_latency.size(), percentile_ms(answer_latency, 0.5),
              percentile_ms(answer_latency, 0.99));
  std::printf("ring-timeout lateness (n=%llu): p50 %.3f ms, p99 %.3f ms\n",
              static_cast<unsigned long long>(stats.ring_timeouts),
              stats.ring_timeout_lateness_p50.count() / 1000.0,
              stats.ring_timeout_lateness_p99.count() / 1000.0);
  std::printf("calls still live at the end:     %zu\n", stats.live_calls);
  engine.stop();
  return stats.live_calls == 0 ? 0 : 1;
}
