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
#include "race_arena.hpp"

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

// Each path by which an answer can reach a groupcall that no longer takes answers,
// played in the one order that makes it late. The scheduler runs one message per
// job; run_last_job() lets the newest job go first.
void run_last_job(ScriptedHarness& h) {
  auto& jobs = h.probe.scheduler().jobs;
  ASSERT_FALSE(jobs.empty());
  std::swap(jobs.front(), jobs.back());
  h.probe.scheduler().run_once();
}

class LateAnswers : public ScriptedEngineTest {
 protected:
  // Nothing live, nothing left, and every leg released at most once.
  void expect_all_ended(const Groupcall& created) {
    EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
    auto history = log.events_of(created.id);
    if (history.back().type == EventType::groupcall_deleted) history.pop_back();
    EXPECT_TRUE(valid_groupcall_history(history));
    for (auto& d : driver->dials()) {
      EXPECT_EQ(call(d.call_id).status, CallStatus::hangup) << d.target;
      EXPECT_TRUE(valid_call_history(log.events_of(d.call_id))) << d.target;
      EXPECT_LE(driver->cancel_causes(d.call_id).size() + driver->hangup_causes(d.call_id).size(),
                1u)
          << d.target;
    }
    EXPECT_EQ(engine.stats().live_calls, 0u);
    EXPECT_EQ(engine.stats().live_groupcalls, 0u);
    EXPECT_EQ(actors_left(), 0u);
  }
  void no_reply_groupcall(const Uuid& id) {
    engine.hangup_groupcall(customer, id, [](Result<Groupcall>) {});
  }
};

// The caller hangs up while a leg answers: its answer reaches a groupcall that is
// hanging up, so the answered leg ends cancel, not normal, and nobody won.
TEST_F(LateAnswers, AnswerCrossingAGroupcallHangupEndsCancel) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  no_reply_groupcall(created.id);
  driver->report(leg("a"), LegReport::answered);
  run_last_job(*this);  // a answers before the groupcall reads the hangup
  run();
  EXPECT_TRUE(groupcall(created.id).answer_call_id.is_zero());
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::normal});
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::cancel);
  expect_all_ended(created);
}

TEST_F(LateAnswers, AnswerCrossingADeleteEndsCancel) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  engine.delete_groupcall(customer, created.id, [](Result<Groupcall>) {});
  driver->report(leg("a"), LegReport::answered);
  run_last_job(*this);
  run();
  auto gc = groupcall(created.id);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_TRUE(gc.tm_delete.is_set());
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  expect_all_ended(created);
}

TEST_F(LateAnswers, AnswerCrossingTheAnswerTimeoutEndsDialout) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.answer_timeout = 1;
  auto created = create(r);
  driver->report(leg("a"), LegReport::answered);
  probe.scheduler().advance_time(std::chrono::seconds(1));
  // The timer fires and the groupcall hangs up before a reads its answer.
  auto* a = dynamic_cast<caf::resumable*>(
      caf::actor_cast<caf::abstract_actor*>(probe.context().registry.calls.actor(leg("a"))));
  ASSERT_NE(a, nullptr);
  probe.scheduler().run_jobs_filtered([a](caf::resumable* job) { return job != a; });
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangingup);
  run();
  EXPECT_TRUE(groupcall(created.id).answer_call_id.is_zero());
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::dialout);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::dialout);
  expect_all_ended(created);
}

// A nested groupcall takes its leg's answer, but the parent is hanging up: the
// nested answer is late for the parent, so the leg ends cancel.
TEST_F(LateAnswers, NestedAnswerReachingAParentThatHangsUpEndsCancel) {
  auto created = create_with_agent();
  auto nested = created.groupcall_ids.at(0);
  no_reply_groupcall(created.id);
  driver->report(leg("x1"), LegReport::answered);
  run_last_job(*this);  // x1 answers to its nested groupcall
  run_last_job(*this);  // which takes it and tells the parent, after the hangup
  run();
  EXPECT_TRUE(groupcall(created.id).answer_groupcall_id.is_zero());
  EXPECT_EQ(groupcall(nested).answer_call_id, leg("x1"));
  EXPECT_EQ(call(leg("x1")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(call(leg("x2")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(call(leg("p")).hangup_reason, HangupReason::cancel);
  expect_all_ended(created);
}

// The nested groupcall is hung up while its answer waits for the parent: its
// winner keeps going until the parent's verdict, here that it won.
TEST_F(LateAnswers, NestedGroupcallHungUpWhileItsAnswerIsPendingWaitsForTheVerdict) {
  auto created = create_with_agent();
  auto nested = created.groupcall_ids.at(0);
  driver->report(leg("x1"), LegReport::answered);
  probe.scheduler().run_once();  // x1 answers to the nested groupcall
  probe.scheduler().run_once();  // which takes it and tells the parent
  no_reply_groupcall(nested);
  run_last_job(*this);  // the nested groupcall is hung up before the parent decides
  EXPECT_EQ(call(leg("x1")).status, CallStatus::progressing);
  run();
  EXPECT_EQ(groupcall(created.id).answer_groupcall_id, nested);
  EXPECT_EQ(call(leg("x1")).hangup_reason, HangupReason::normal);
  EXPECT_EQ(call(leg("p")).hangup_reason, HangupReason::cancel);
  expect_all_ended(created);
}

// b won; a's answer crossed the cancel, and the API hangs a up meanwhile: a's end
// waits for the verdict (the groupcall's hangup), so it ends cancel, not normal.
TEST_F(LateAnswers, LegHungUpByTheApiWhileItsLateAnswerIsPendingEndsCancel) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  driver->report(leg("b"), LegReport::answered);
  probe.scheduler().run_once();  // b tells the groupcall
  driver->report(leg("a"), LegReport::answered);
  engine.hangup_call(customer, leg("a"), [](Result<Call>) {});
  run();
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("b"));
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(call(leg("a")).hangup_by, HangupBy::local);
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::normal});
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::normal);
  expect_all_ended(created);
}

TEST_F(LateAnswers, RemoteHangupWhileALateAnswerIsPendingEndsCancel) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  driver->report(leg("b"), LegReport::answered);
  probe.scheduler().run_once();
  driver->report(leg("a"), LegReport::answered);
  driver->report(leg("a"), LegReport::remote_hangup);
  run();
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(call(leg("a")).hangup_by, HangupBy::remote);
  EXPECT_TRUE(driver->hangup_causes(leg("a")).empty());
  report("b", LegReport::remote_hangup);
  expect_all_ended(created);
}

// The API hangs up a leg whose answer the groupcall has not read yet: the leg
// waits in terminating, the groupcall takes the answer, and the leg ends normal.
TEST_F(LateAnswers, LegHungUpWhileItsAnswerIsPendingEndsNormalOnceItWins) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  driver->report(leg("a"), LegReport::answered);
  probe.scheduler().run_once();  // a tells the groupcall
  engine.hangup_call(customer, leg("a"), [](Result<Call>) {});
  run_last_job(*this);  // the hangup reaches a first
  EXPECT_EQ(call(leg("a")).status, CallStatus::terminating);
  run();
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("a"));
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::normal);
  EXPECT_EQ(call(leg("a")).hangup_by, HangupBy::local);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::cancel);
  expect_all_ended(created);
}

// A far end that hangs up before it answered never had an answered call.
TEST_F(LateAnswers, RemoteHangupBeforeAnswerIsNoAnswer) {
  auto created = create(request({endpoint("a")}));
  report("a", LegReport::ringing);
  report("a", LegReport::remote_hangup);
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::noanswer);
  expect_all_ended(created);
}

// Hangups, answer timeouts and deletes racing answers (see race_arena.hpp for the
// runs and the invariants): 200 seeds here, a million in benchmarks/race_run.
TEST(RacingHangups, RecordsAgreeUnderRandomInterleavings) {
  RaceArena arena;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto problem = arena.run(seed);
    ASSERT_FALSE(problem.has_value()) << "seed " << seed << ": " << *problem;
  }
}

}  // namespace
}  // namespace chorus::test
