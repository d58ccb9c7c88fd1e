// race_run: the long version of the race test. Runs N generated interleavings of
// answers racing hangups, answer timeouts and deletes (tests/engine/race_arena.hpp
// says what a run does and which invariants it checks), seeds FIRST..FIRST+N-1, and
// prints how many ran, how many broke an invariant (with the first few seeds and
// what they broke) and the time taken. Exits 1 on any violation.
//
//   ./build/benchmarks/race_run [N=1000000] [FIRST=1]

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "race_arena.hpp"

int main(int argc, char** argv) {
  std::uint64_t runs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::uint64_t first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  constexpr std::uint64_t shown = 10;
  constexpr std::uint64_t progress_every = 100000;

  chorus::test::RaceArena arena;
  std::uint64_t violations = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < runs; ++i) {
    auto seed = first + i;
    if (auto problem = arena.run(seed)) {
      if (++violations <= shown) {
        std::printf("violation: seed %llu: %s\n", static_cast<unsigned long long>(seed),
                    problem->c_str());
      }
    }
    if ((i + 1) % progress_every == 0) {
      std::chrono::duration<double> so_far = std::chrono::steady_clock::now() - start;
      std::fprintf(stderr, "  %llu runs, %llu violations, %.1f s\n",
                   static_cast<unsigned long long>(i + 1),
                   static_cast<unsigned long long>(violations), so_far.count());
    }
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("race_run: %llu interleavings (seeds %llu..%llu), %llu violations, %.1f s (%.0f/s)\n",
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + runs - 1),
              static_cast<unsigned long long>(violations), took.count(),
              took.count() > 0 ? static_cast<double>(runs) / took.count() : 0.0);
  // What the runs covered: how the legs they dialled ended.
  auto stats = arena.stats();
  std::printf("legs dialled: %llu; ended by hangup_reason:",
              static_cast<unsigned long long>(stats.legs_dialled));
  for (std::size_t i = 0; i < stats.legs_ended_by_reason.size(); ++i) {
    if (stats.legs_ended_by_reason[i] == 0) continue;
    std::printf(" %s %llu", std::string(to_string(static_cast<chorus::HangupReason>(i))).c_str(),
                static_cast<unsigned long long>(stats.legs_ended_by_reason[i]));
  }
  std::printf("\n");
  return violations == 0 ? 0 : 1;
}
