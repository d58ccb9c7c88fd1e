// Every ring method as one schedule, under virtual time: memory_hunt's growing
// steps, per-destination delay and timeout, repeats of the whole schedule, and
// fail_on_single_reject (a decline anywhere in the tree ends it all).

#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

Address timed(std::string target, std::int32_t delay, std::int32_t timeout) {
  Address a = endpoint(std::move(target));
  a.delay = delay;
  a.timeout = timeout;
  return a;
}

class RingSchedule : public ScriptedEngineTest {
 protected:
  Address extension_destination(const Extension& ext) {
    return Address{AddressType::extension, ext.id.to_string(), "", "", ""};
  }
  bool ringing(const std::string& target) {
    auto c = call(leg(target));
    return c.status == CallStatus::dialing || c.status == CallStatus::ringing;
  }
  HangupReason reason(const std::string& target) { return call(leg(target)).hangup_reason; }
  std::size_t dials_of(const std::string& target) {
    auto targets = driver->dialled_targets();
    return static_cast<std::size_t>(std::count(targets.begin(), targets.end(), target));
  }
};

TEST_F(RingSchedule, MemoryHuntAddsOneDestinationPerStepAndKeepsTheOthersRinging) {
  auto r = request({endpoint("a"), endpoint("b"), endpoint("c")}, RingMethod::memory_hunt);
  r.ring_timeout = 2;
  auto created = create(r);
  EXPECT_EQ(created.ring_method, RingMethod::memory_hunt);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"a"});
  advance_ms(1990);
  EXPECT_EQ(driver->dial_count(), 1u);
  advance_ms(20);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ringing("a"));
  EXPECT_EQ(groupcall(created.id).dial_index, 1);
  advance_ms(2000);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(ringing("a"));
  EXPECT_TRUE(ringing("b"));
  EXPECT_EQ(groupcall(created.id).dial_index, 2);
  // The last step's ring_timeout ends every one of them.
  advance_ms(1980);
  EXPECT_TRUE(ringing("a"));
  advance_ms(40);
  for (auto t : {"a", "b", "c"}) {
    EXPECT_EQ(reason(t), HangupReason::dialout) << t;
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::ring_timeout}) << t;
  }
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingSchedule, MemoryHuntMovesOnAtOnceWhenTheNewestDeclines) {
  auto r = request({endpoint("a"), endpoint("b"), endpoint("c")}, RingMethod::memory_hunt);
  r.ring_timeout = 10;
  auto created = create(r);
  report("a", LegReport::busy);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b"}));
  advance_ms(3000);
  report("b", LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("b"));
  EXPECT_EQ(driver->dial_count(), 2u);  // c never rings
}

TEST_F(RingSchedule, RingAllHonoursEachDestinationsDelayAndTimeout) {
  auto r = request({timed("a", 0, 1), timed("b", 1, 3), endpoint("c")});
  r.ring_timeout = 5;
  auto created = create(r);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(created.call_ids.size(), 2u);
  advance_ms(990);
  EXPECT_EQ(driver->dial_count(), 2u);
  EXPECT_TRUE(ringing("a"));
  advance_ms(20);
  EXPECT_EQ(reason("a"), HangupReason::dialout);  // its own 1 s
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_EQ(groupcall(created.id).call_ids.size(), 3u);
  advance_ms(2980);  // b rings its own 3 s from its start at 1 s
  EXPECT_TRUE(ringing("b"));
  EXPECT_TRUE(ringing("c"));
  advance_ms(30);
  EXPECT_EQ(reason("b"), HangupReason::dialout);
  EXPECT_TRUE(ringing("c"));  // ring_timeout: 5 s
  advance_ms(1000);
  EXPECT_EQ(reason("c"), HangupReason::dialout);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingSchedule, AnAnswerBeforeADelayEndsMeansTheDelayedNeverRing) {
  auto created = create(request({endpoint("a"), timed("b", 5, 0)}));
  advance_ms(1000);
  report("a", LegReport::answered);
  advance_ms(10000);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"a"});
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("a"));
  EXPECT_EQ(gc.call_ids.size(), 1u);
}

TEST_F(RingSchedule, LinearTakesEachDestinationsOwnTimeout) {
  auto r = request({timed("a", 0, 1), endpoint("b")}, RingMethod::linear);
  r.ring_timeout = 3;
  auto created = create(r);
  advance_ms(1010);
  EXPECT_EQ(reason("a"), HangupReason::dialout);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b"}));
  advance_ms(2980);
  EXPECT_TRUE(ringing("b"));
  advance_ms(30);
  EXPECT_EQ(reason("b"), HangupReason::dialout);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
}

TEST_F(RingSchedule, RepeatsRunTheWholeScheduleAgain) {
  auto r = request({endpoint("a"), endpoint("b")}, RingMethod::linear);
  r.ring_timeout = 1;
  r.repeats = 2;
  auto created = create(r);
  EXPECT_EQ(created.repeats, 2);
  advance_ms(1010);
  advance_ms(1010);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b", "a"}));
  EXPECT_EQ(groupcall(created.id).dial_index, 0);
  advance_ms(1010);
  advance_ms(1010);
  EXPECT_EQ(dials_of("a"), 3u);
  EXPECT_EQ(dials_of("b"), 2u);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  // The third run's a answers: a fresh leg, and it wins.
  auto last = driver->dials().back();
  EXPECT_EQ(last.target, "a");
  report(last.call_id, LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, last.call_id);
  EXPECT_EQ(gc.call_ids.size(), 5u);
  report(last.call_id, LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingSchedule, RepeatsEndAfterTheLastRunUnanswered) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.ring_timeout = 1;
  r.repeats = 1;
  auto created = create(r);
  advance_ms(1010);
  EXPECT_EQ(driver->dial_count(), 4u);  // the second run started as the first ended
  advance_ms(1010);
  EXPECT_EQ(driver->dial_count(), 4u);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
}

TEST_F(RingSchedule, FailOnSingleRejectEndsEveryBranch) {
  auto r = request({endpoint("a"), endpoint("b"), endpoint("c")});
  r.fail_on_single_reject = true;
  auto created = create(r);
  report("b", LegReport::rejected);
  for (auto t : {"a", "c"}) {
    EXPECT_EQ(call(leg(t)).status, CallStatus::hangup) << t;
  }
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.fail_on_single_reject);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingSchedule, WithoutFailOnSingleRejectADeclineEndsOnlyItsBranch) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("b", LegReport::busy);
  EXPECT_TRUE(ringing("a"));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
}

TEST_F(RingSchedule, FailOnSingleRejectReachesUpFromANestedGroupcall) {
  auto ext = add_extension("2001", {endpoint("x1"), endpoint("x2")});
  auto r = request({extension_destination(ext), endpoint("p")});
  r.fail_on_single_reject = true;
  auto created = create(r);
  report("x1", LegReport::busy);
  for (auto t : {"x2", "p"}) EXPECT_EQ(call(leg(t)).status, CallStatus::hangup) << t;
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingSchedule, MemoryHuntKeepsNestedExtensionsRingingUntilTheHuntEnds) {
  auto e1 = add_extension("2001", {endpoint("x1")});
  auto e2 = add_extension("2002", {endpoint("x2")});
  auto r = request({extension_destination(e1), extension_destination(e2)}, RingMethod::memory_hunt);
  r.ring_timeout = 2;
  auto created = create(r);
  advance_ms(2010);
  EXPECT_TRUE(ringing("x1"));  // the extension's own legs have no timer of their own
  EXPECT_TRUE(ringing("x2"));
  advance_ms(2000);
  EXPECT_FALSE(ringing("x1"));
  EXPECT_FALSE(ringing("x2"));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

}  // namespace
}  // namespace chorus::test
