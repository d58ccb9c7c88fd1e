// Racing answers under randomised interleavings. Each seed rings 2..8 scripted
// legs with a ring method drawn from the seed (ring_all, linear, memory_hunt, a
// ring group of any Yeastar strategy rung directly, or one nested beside an agent
// and endpoints; sometimes with delays, timeouts, repeats and
// fail_on_single_reject), reports answers on several live legs in a random order,
// and runs the deterministic scheduler's jobs in a random order between reports,
// with virtual time moving between rounds: whatever the order, exactly one leg
// wins, every other ringing leg is cancelled, every leg ends exactly once, and no
// actor is left once the winner hangs up.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

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

// What a seed rings: plain groupcalls with each native ring method, a ring group
// rung directly, or a ring group nested beside endpoints and an agent.
enum class Shape { ring_all, linear, memory_hunt, ring_group, nested_ring_group };
constexpr Shape shapes[] = {Shape::ring_all, Shape::linear, Shape::memory_hunt, Shape::ring_group,
                            Shape::nested_ring_group};
constexpr RingMethod native_methods[] = {RingMethod::ring_all, RingMethod::linear,
                                         RingMethod::memory_hunt};
constexpr RingStrategy strategies[] = {RingStrategy::ring_all, RingStrategy::sequentially,
                                       RingStrategy::memory_hunt, RingStrategy::custom};

const LegReport declines[] = {LegReport::busy, LegReport::rejected, LegReport::no_answer};

int draw(std::mt19937& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

bool live(const Call& c) {
  return c.status == CallStatus::dialing || c.status == CallStatus::ringing;
}

// One seed's race. Rounds follow each other until a leg has won or the tree has
// ended: in each, the legs dialled and still ringing get reports interleaved with
// the engine's jobs in a random order, and then, when nobody answered, virtual
// time moves on a second, so that delayed legs ring, timed ones stop, and linear
// and memory_hunt steps move on. The first rounds only ring or decline (never
// several reports that could end the tree together with an answer); from then on
// several live legs answer at once and race. Every answer reaches a tree still
// taking answers (timers fire only between rounds), so a seed in which some leg
// answered has exactly one winner, the leaf of its tree's winning chain.
class AnswerRace {
 public:
  explicit AnswerRace(unsigned seed) : rng_(seed) {}

  void run() {
    auto created = start();
    ASSERT_TRUE(created.ok()) << created.error().message;
    top_ = created->id;
    auto quiet_rounds = draw(rng_, 0, 3);
    for (int round = 0;; ++round) {
      ASSERT_LT(round, 100) << "the tree neither answered nor ended:\n" << describe(top_, "");
      auto gc = h_.groupcall(top_);
      if (is_final(gc.status) || winner_of(gc)) break;
      play_round(round < quiet_rounds);
    }
    check_outcome();
  }

  bool won() const { return won_; }
  Shape shape() const { return shape_; }
  // Legs first dialled once virtual time had moved: delays, steps and repeats.
  std::size_t late_dials() const { return late_dials_; }

 private:
  Result<Groupcall> start() {
    shape_ = shapes[draw(rng_, 0, 4)];
    auto request = h_.request({}, native_methods[draw(rng_, 0, 2)]);
    request.ring_timeout = draw(rng_, 1, 3);
    request.repeats = rng_() % 4 == 0 ? draw(rng_, 1, 2) : 0;
    request.fail_on_single_reject = rng_() % 4 == 0;
    auto legs = draw(rng_, 2, 8);
    for (int i = 0; i < legs; ++i) request.destinations.push_back(timed_leg(i));
    if (shape_ == Shape::ring_group) return h_.engine.ring_group_call(ring_group_call());
    if (shape_ == Shape::nested_ring_group) nest_ring_group_and_agent(request);
    if (shape_ != Shape::nested_ring_group) {
      request.ring_method = native_methods[static_cast<int>(shape_)];
    }
    return h_.engine.create_groupcall(request);
  }

  // An endpoint leg, one in three with its own delay and timeout (seconds).
  Address timed_leg(int i) {
    auto leg = endpoint("leg" + std::to_string(i));
    if (rng_() % 3 == 0) {
      leg.delay = draw(rng_, 0, 2);
      leg.timeout = rng_() % 2 ? draw(rng_, 1, 4) : 0;
    }
    return leg;
  }

  RingGroupCallRequest ring_group_call() {
    RingGroupCallRequest r;
    r.customer_id = h_.customer;
    r.number = put_ring_group();
    r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    r.master_call_id = Uuid::generate();
    return r;
  }

  void nest_ring_group_and_agent(GroupcallRequest& request) {
    Agent agent;
    agent.customer_id = h_.customer;
    agent.addresses = {endpoint("agent1"), endpoint("agent2")};
    agent.ring_method = native_methods[draw(rng_, 0, 2)];
    auto put = h_.engine.put_agent(agent);
    ASSERT_TRUE(put.ok()) << put.error().message;
    auto at = [&] { return request.destinations.begin() + draw(rng_, 0, 1); };
    request.destinations.insert(at(),
                                Address{AddressType::ring_group, put_ring_group(), "", "", ""});
    request.destinations.insert(at(), agent_destination(put->id));
  }

  // A ring group of a strategy drawn from the seed over 2..4 extensions with one
  // or two scripted contacts each; custom members ring after 0..2 s for 1..4 s
  // (or the default), and one in three strategies misses calls on record.
  std::string put_ring_group() {
    RingGroup group;
    group.customer_id = h_.customer;
    group.number = "6500";
    group.name = "race";
    group.ring_strategy = strategies[draw(rng_, 0, 3)];
    group.ring_timeout = draw(rng_, 1, 3);
    group.enb_miss_call = rng_() % 3 == 0 ? 1 : 0;
    auto members = draw(rng_, 2, 4);
    for (int m = 0; m < members; ++m) {
      auto number = std::to_string(5001 + m);
      put_extension(number, draw(rng_, 1, 2));
      RingGroupMember member;
      member.value = number;
      member.delay_time = draw(rng_, 0, 2);
      member.timeout = rng_() % 3 ? draw(rng_, 1, 4) : 0;
      group.member_list.push_back(member);
    }
    auto put = h_.engine.put_ring_group(group);
    if (!put) throw std::runtime_error("put_ring_group: " + put.error().message);
    return put->number;
  }

  void put_extension(const std::string& number, int contacts) {
    Extension ext;
    ext.customer_id = h_.customer;
    ext.name = "ext " + number;
    ext.extension = number;
    for (int c = 0; c < contacts; ++c) {
      ext.contacts.push_back(endpoint("m" + number + "c" + std::to_string(c)));
    }
    auto put = h_.engine.put_extension(ext);
    if (!put) throw std::runtime_error("put_extension: " + put.error().message);
  }

  // The legs dialled so far whose far end can still report.
  std::vector<Uuid> live_legs() const {
    std::vector<Uuid> result;
    for (auto& d : h_.driver->dials()) {
      if (live(h_.call(d.call_id))) result.push_back(d.call_id);
    }
    return result;
  }

  void play_round(bool quiet) {
    auto ringing = live_legs();
    std::vector<Step> steps;
    for (auto& id : ringing) {
      if (rng_() % 2 && rung_.insert(id).second) steps.push_back({id, LegReport::ringing});
    }
    if (quiet || ringing.empty()) {
      // At most one decline a round: never two branches ending the tree at once
      // with fail_on_single_reject and a repeat between them.
      if (!ringing.empty() && rng_() % 3 == 0) {
        steps.push_back({ringing[draw(rng_, 0, static_cast<int>(ringing.size()) - 1)],
                         declines[draw(rng_, 0, 2)]});
      }
    } else {
      std::shuffle(ringing.begin(), ringing.end(), rng_);
      auto answering = draw(rng_, 1, static_cast<int>(ringing.size()));
      for (int i = 0; i < answering; ++i) {
        steps.push_back({ringing[i], LegReport::answered});
        answered_.insert(ringing[i]);
      }
      live_at_answers_ = ringing;
    }
    std::shuffle(steps.begin(), steps.end(), rng_);
    interleave(steps);
    if (answered_.empty()) {
      auto dialled = h_.driver->dial_count();
      h_.probe.scheduler().advance_time(std::chrono::seconds(1));
      interleave({});
      late_dials_ += h_.driver->dial_count() - dialled;
    }
  }

  // The reports, in order, between jobs run in a random order, until both are done.
  void interleave(const std::vector<Step>& steps) {
    auto& scheduler = h_.probe.scheduler();
    std::size_t next = 0;
    while (next < steps.size() || !scheduler.jobs.empty()) {
      if (next < steps.size() && (scheduler.jobs.empty() || rng_() % 3 == 0)) {
        h_.driver->report(steps[next].call_id, steps[next].report);
        ++next;
      } else {
        run_random_job(scheduler, rng_);
      }
    }
  }

  // The tree as it stands, one resource a line: what a failure shows.
  std::string describe(const Uuid& id, const std::string& indent) const {
    auto gc = h_.groupcall(id);
    std::string text = indent + "groupcall " + id.to_string() + " " +
                       std::string(to_string(gc.status)) + " " +
                       std::string(to_string(gc.ring_method)) + " dial_index " +
                       std::to_string(gc.dial_index) + " ring_timeout " +
                       std::to_string(gc.ring_timeout) + " repeats " + std::to_string(gc.repeats) +
                       (gc.fail_on_single_reject ? " fail_on_single_reject" : "") + "\n";
    for (auto& d : gc.destinations) {
      text += indent + "  destination " + d.target.str() + " delay " + std::to_string(d.delay) +
              " timeout " + std::to_string(d.timeout) + "\n";
    }
    for (auto& call_id : gc.call_ids) {
      auto c = h_.call(call_id);
      text += indent + "  call " + c.destination.target.str() + " " +
              std::string(to_string(c.status)) + " " + std::string(to_string(c.hangup_reason)) +
              "\n";
    }
    for (auto& nested : gc.groupcall_ids) text += describe(nested, indent + "  ");
    return text;
  }

  // The leg at the end of a groupcall's winning chain, if it has one.
  std::optional<Uuid> winner_of(const Groupcall& gc) const {
    if (!gc.answer_call_id.is_zero()) return gc.answer_call_id;
    if (gc.answer_groupcall_id.is_zero()) return std::nullopt;
    auto nested = winner_of(h_.groupcall(gc.answer_groupcall_id));
    if (!nested) ADD_FAILURE() << "a nested winner without its own winner";
    return nested;
  }

  void check_outcome() {
    auto winner = winner_of(h_.groupcall(top_));
    EXPECT_EQ(winner.has_value(), !answered_.empty()) << "an answer was lost, or made up";
    if (winner) {
      won_ = true;
      EXPECT_EQ(answered_.count(*winner), 1u);
      EXPECT_EQ(h_.groupcall(top_).status, GroupcallStatus::progressing);
      EXPECT_EQ(h_.call(*winner).status, CallStatus::progressing);
      // The winner hangs up; everything ends.
      h_.driver->report(*winner, LegReport::remote_hangup);
    }
    h_.run();
    check_tree(top_);
    for (auto& d : h_.driver->dials()) check_leg(d.call_id, winner);
    EXPECT_EQ(h_.engine.stats().live_calls, 0u);
    EXPECT_EQ(h_.engine.stats().live_groupcalls, 0u);
    EXPECT_EQ(h_.actors_left(), 0u);
  }

  // Every groupcall of the tree ended, once, with at most one winner.
  void check_tree(const Uuid& id) {
    auto gc = h_.groupcall(id);
    EXPECT_EQ(gc.status, GroupcallStatus::hangup);
    EXPECT_TRUE(valid_groupcall_history(h_.log.events_of(id)));
    for (auto& nested : gc.groupcall_ids) check_tree(nested);
  }

  // Every leg ended exactly once and was released at most once; the winner ends
  // normal by its own hangup, every other leg that still rang when the answers came
  // is cancelled as answered elsewhere, and no other leg ends normal.
  void check_leg(const Uuid& id, const std::optional<Uuid>& winner) {
    SCOPED_TRACE("leg " + id.to_string());
    auto c = h_.call(id);
    EXPECT_EQ(c.status, CallStatus::hangup);
    EXPECT_EQ(h_.log.count(id, EventType::call_hangup), 1u);
    EXPECT_TRUE(valid_call_history(h_.log.events_of(id)));
    auto cancels = h_.driver->cancel_causes(id);
    auto hangups = h_.driver->hangup_causes(id);
    EXPECT_LE(cancels.size() + hangups.size(), 1u);
    if (c.hangup_by == HangupBy::local) {
      EXPECT_EQ(cancels.size() + hangups.size(), 1u);
    }
    if (winner && id == *winner) {
      EXPECT_EQ(c.hangup_reason, HangupReason::normal);
      EXPECT_EQ(c.hangup_by, HangupBy::remote);
      EXPECT_TRUE(cancels.empty());
      EXPECT_TRUE(hangups.empty());
      return;
    }
    EXPECT_NE(c.hangup_reason, HangupReason::normal);
    if (!winner) return;
    if (std::find(live_at_answers_.begin(), live_at_answers_.end(), id) == live_at_answers_.end()) {
      return;  // it had ended before the answers came
    }
    EXPECT_EQ(c.hangup_reason, HangupReason::cancel);
    EXPECT_EQ(c.hangup_by, HangupBy::local);
    for (auto cause : cancels) EXPECT_EQ(cause, LegCause::answered_elsewhere);
    for (auto cause : hangups) EXPECT_EQ(cause, LegCause::answered_elsewhere);
    // Hung up rather than cancelled only if its own answer beat the cancel.
    if (!hangups.empty()) {
      EXPECT_EQ(answered_.count(id), 1u);
    }
  }

  ScriptedHarness h_;
  std::mt19937 rng_;
  Shape shape_ = Shape::ring_all;
  Uuid top_;
  std::set<Uuid> rung_;
  std::set<Uuid> answered_;
  std::vector<Uuid> live_at_answers_;
  bool won_ = false;
  std::size_t late_dials_ = 0;
};

// The seeds a race test runs: 200 from 1, or CHORUS_RACE_SEEDS from
// CHORUS_RACE_FIRST for a longer hunt or to replay one seed.
unsigned from_environment(const char* name, unsigned otherwise) {
  const char* text = std::getenv(name);
  auto n = text ? std::strtoul(text, nullptr, 10) : 0;
  return n > 0 && n < 100000000 ? static_cast<unsigned>(n) : otherwise;
}
unsigned race_seeds() {
  return from_environment("CHORUS_RACE_SEEDS", 200);
}
unsigned first_seed() {
  return from_environment("CHORUS_RACE_FIRST", 1);
}

// Every shape; in each, most seeds must end in an answer and some legs must ring
// late, or the race is not run.
TEST(RacingAnswers, ExactlyOneWinnerUnderRandomInterleavingsOverEveryRingMethod) {
  std::map<Shape, int> seeds, won;
  std::map<Shape, std::size_t> late;
  for (unsigned seed = first_seed(); seed < first_seed() + race_seeds(); ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    AnswerRace race(seed);
    race.run();
    if (::testing::Test::HasFailure()) break;
    ++seeds[race.shape()];
    won[race.shape()] += race.won();
    late[race.shape()] += race.late_dials();
  }
  if (race_seeds() < 100) return;  // too few to say what a shape covers
  for (auto shape : shapes) {
    SCOPED_TRACE("shape " + std::to_string(static_cast<int>(shape)));
    EXPECT_GE(seeds[shape] * 10, static_cast<int>(race_seeds()));
    EXPECT_GE(won[shape] * 2, seeds[shape]);
    EXPECT_GT(late[shape], 0u);
  }
}

// Found by the race above (seed 5365, past the 200 run here; see /tmp/team/bugs.md):
// memory_hunt's last step runs out of time while its only branch still waits for
// its delay and nothing else rings. The groupcall must end (or repeat); it stayed
// progressing with no timer and no branch, for ever.
TEST(RacingAnswers, Seed5365MemoryHuntWithOnlyADelayedBranchLeftEnds) {
  AnswerRace race(5365);
  race.run();
}

TEST(RacingAnswers, MemoryHuntWhoseLastStepEndsBeforeItsDelayedBranchRingsEnds) {
  ScriptedHarness h;
  auto late = endpoint("b");
  late.delay = 2;  // the step lasts ring_timeout: 1 s
  auto r = h.request({endpoint("a"), late}, RingMethod::memory_hunt);
  r.ring_timeout = 1;
  auto created = h.create(r);
  h.report(h.leg("a"), LegReport::busy);  // the last step starts at once
  h.advance_ms(5000);
  EXPECT_EQ(h.groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(h.actors_left(), 0u);
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
  for (std::uint64_t seed = first_seed(); seed < first_seed() + race_seeds(); ++seed) {
    auto problem = arena.run(seed);
    ASSERT_FALSE(problem.has_value()) << "seed " << seed << ": " << *problem;
  }
}

}  // namespace
}  // namespace chorus::test
