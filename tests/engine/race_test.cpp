// Racing answers under randomised interleavings. Each seed runs a ring_all over
// 2..10 scripted legs, reports answers on several (or all) legs in a random order,
// and runs the deterministic scheduler's jobs in a random order between reports:
// whatever the order, exactly one leg wins, every other leg is cancelled, every
// leg ends exactly once, and no actor is left once the winner hangs up.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

// Runs one job chosen at random: CAF's test coordinator runs the front job, so a
// random one is swapped to the front first.
void run_random_job(caf::scheduler::test_coordinator& scheduler, std::mt19937& rng) {
  auto& jobs = scheduler.jobs;
  std::uniform_int_distribution<std::size_t> pick(0, jobs.size() - 1);
  std::swap(jobs.front(), jobs[pick(rng)]);
  scheduler.run_once();
}

struct Step {
  Uuid call_id;
  LegReport report;
};

void race_once(unsigned seed) {
  std::mt19937 rng(seed);
  ScriptedHarness h;
  auto& scheduler = h.probe.scheduler();
  auto legs = std::uniform_int_distribution<int>(2, 10)(rng);
  std::vector<Address> destinations;
  for (int i = 0; i < legs; ++i) destinations.push_back(endpoint("leg" + std::to_string(i)));
  auto created = h.engine.create_groupcall(h.request(destinations));
  ASSERT_TRUE(created.ok());
  auto& ids = created->call_ids;
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(legs));

  // Start-up, in a random order, until every leg has been dialled.
  while (h.driver->dial_count() < ids.size()) {
    ASSERT_FALSE(scheduler.jobs.empty());
    run_random_job(scheduler, rng);
  }

  // Some legs ring first; then several (or all) answer, in a random order.
  std::vector<Uuid> order(ids.begin(), ids.end());
  std::shuffle(order.begin(), order.end(), rng);
  auto answering = std::uniform_int_distribution<int>(2, legs)(rng);
  std::vector<Step> steps;
  for (auto& id : ids) {
    if (rng() % 2) steps.push_back({id, LegReport::ringing});
  }
  std::shuffle(steps.begin(), steps.end(), rng);
  std::set<Uuid> answered;
  for (int i = 0; i < answering; ++i) {
    steps.push_back({order[i], LegReport::answered});
    answered.insert(order[i]);
  }

  // Interleave the reports with randomly chosen jobs.
  std::size_t next = 0;
  while (next < steps.size() || !scheduler.jobs.empty()) {
    bool report = next < steps.size() && (scheduler.jobs.empty() || rng() % 3 == 0);
    if (report) {
      h.driver->report(steps[next].call_id, steps[next].report);
      ++next;
    } else {
      run_random_job(scheduler, rng);
    }
  }
  h.run();

  auto gc = h.groupcall(created->id);
  ASSERT_FALSE(gc.answer_call_id.is_zero());
  auto winner = gc.answer_call_id;
  EXPECT_EQ(answered.count(winner), 1u);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_EQ(gc.call_count, 1);
  EXPECT_EQ(h.log.count(created->id, EventType::groupcall_progressing), 1u);
  EXPECT_EQ(h.call(winner).status, CallStatus::progressing);

  // The winner hangs up; everything ends.
  h.driver->report(winner, LegReport::remote_hangup);
  h.run();
  gc = h.groupcall(created->id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(gc.answer_call_id, winner);
  EXPECT_TRUE(valid_groupcall_history(h.log.events_of(created->id)));

  std::size_t normal = 0;
  for (auto& id : ids) {
    auto c = h.call(id);
    EXPECT_EQ(c.status, CallStatus::hangup);
    EXPECT_EQ(h.log.count(id, EventType::call_hangup), 1u);
    EXPECT_TRUE(valid_call_history(h.log.events_of(id)));
    if (id == winner) {
      EXPECT_EQ(c.hangup_reason, HangupReason::normal);
      EXPECT_EQ(c.hangup_by, HangupBy::remote);
      EXPECT_TRUE(h.driver->cancel_causes(id).empty());
      EXPECT_TRUE(h.driver->hangup_causes(id).empty());
      ++normal;
      continue;
    }
    EXPECT_EQ(c.hangup_reason, HangupReason::cancel);
    EXPECT_EQ(c.hangup_by, HangupBy::local);
    // Released exactly once, as answered elsewhere: cancelled while ringing, or
    // hung up if its own answer came in before the cancel reached it.
    auto cancels = h.driver->cancel_causes(id);
    auto hangups = h.driver->hangup_causes(id);
    EXPECT_EQ(cancels.size() + hangups.size(), 1u);
    for (auto cause : cancels) EXPECT_EQ(cause, LegCause::answered_elsewhere);
    for (auto cause : hangups) EXPECT_EQ(cause, LegCause::answered_elsewhere);
    if (!hangups.empty()) {
      EXPECT_EQ(h.log.count(id, EventType::call_progressing), 1u);
    }
  }
  EXPECT_EQ(normal, 1u);
  EXPECT_EQ(h.engine.stats().live_calls, 0u);
  EXPECT_EQ(h.engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(h.actors_left(), 0u);
}

TEST(RacingAnswers, ExactlyOneWinnerUnderRandomInterleavings) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    race_once(seed);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace chorus::test
