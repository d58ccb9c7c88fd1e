#pragma once
// Races of answers against hangups, answer timeouts and deletes, generated from a
// seed and checked for the records they leave. One engine runs under CAF's
// deterministic scheduler; each run creates one groupcall (1..5 legs, sometimes an
// agent's nested groupcall, one or two levels deep, sometimes a ring group's, with
// its extensions' groupcalls below it; ring_all, linear or memory_hunt; sometimes
// a leg's own delay and timeout, repeats, fail_on_single_reject or an
// answer_timeout), or rings a ring group of one of the four Yeastar strategies
// directly, then interleaves, in an order drawn from the seed, the far
// ends' reports (ringing, answers, busy, no answer, failures, hangups after an
// answer), API hangups of the groupcall, of a nested groupcall and of single legs,
// deletes of the groupcall and of single legs, and timer expiries with the
// engine's own messages, run one at a time in a random order; the far ends report
// only on legs already dialled (a delayed leg rings once time has passed). Whatever is still
// live is then hung up, and every groupcall and leg of the tree must satisfy:
//   - at most one winner per groupcall, and it is one of its own branches;
//   - a leg ends `normal` only if it is its groupcall's answer_call_id and every
//     groupcall above took that groupcall's answer (the winner's nested chain),
//     so a groupcall with no winner has no leg that ended normal;
//   - such a winner ends `normal` (or `failed`, if its far end failed);
//   - every leg and groupcall ends in hangup, a leg with a reason, each with
//     exactly one hangup event and events that follow the state machine; a leg
//     has tm_delete set exactly when a call_deleted is its last event, right
//     after its call_hangup; the engine released each leg at most once;
//   - nothing stays live: no live resource, no actor left.
// Shared by the ctest (race_test.cpp, 200 seeds) and benchmarks/race_run.cpp.

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "actors/engine.hpp"

namespace chorus {
class EngineProbe;
}

namespace chorus::test {

class RaceDriver;
struct RaceEvents;

class RaceArena {
 public:
  RaceArena();
  ~RaceArena();
  RaceArena(const RaceArena&) = delete;
  RaceArena& operator=(const RaceArena&) = delete;

  // Runs the race drawn from `seed`; the first invariant it broke, or nothing.
  std::optional<std::string> run(std::uint64_t seed);
  // The engine's counters over every run so far (legs dialled, ended by reason).
  EngineStats stats() const { return engine_->stats(); }

 private:
  GroupcallRequest draw_request(std::mt19937_64& rng) const;
  Result<Groupcall> start(std::mt19937_64& rng);
  void put_ring_groups();
  void act(std::mt19937_64& rng, const Uuid& top, std::vector<Uuid>& answered);
  void report_on_a_leg(std::mt19937_64& rng, std::vector<Uuid>& answered);
  void run_random_job(std::mt19937_64& rng);
  void settle(const Uuid& top);
  std::optional<std::string> check(const Uuid& top);
  std::optional<std::string> check_groupcall(const Uuid& id, bool won_chain);
  std::optional<std::string> check_leg(const Uuid& id, const Groupcall& owner, bool won_chain);

  std::shared_ptr<RaceDriver> driver_;
  std::shared_ptr<RaceEvents> events_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<EngineProbe> probe_;
  Uuid customer_ = Uuid::generate();
  Subscription subscription_;
  std::vector<Uuid> agents_;              // a ring_all pair, a linear pair, one nesting the first,
                                          // one beside a ring group
  std::vector<std::string> ring_groups_;  // a number per Yeastar strategy
  std::size_t idle_actors_ = 0;
};

}  // namespace chorus::test
