// Linear groupcalls: one destination at a time, in order; each rings at most
// ring_timeout, and busy, reject, fail, no answer or the timeout move on to the
// next; running out ends the groupcall unanswered.

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

using T = EventType;

class Linear : public ScriptedEngineTest {};
class LinearSimulated : public SimulatedEngineTest {};

TEST_F(Linear, DialsOneDestinationAtATimeInOrder) {
  auto created = create(request({endpoint("a"), endpoint("b"), endpoint("c")}, RingMethod::linear));
  EXPECT_EQ(created.dial_index, 0);
  ASSERT_EQ(created.call_ids.size(), 1u);
  EXPECT_EQ(created.call_count, 1);
  EXPECT_EQ(created.destinations.size(), 3u);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"a"});
  EXPECT_EQ(created.call_ids[0], leg("a"));

  report("a", LegReport::ringing);
  report("a", LegReport::busy);
  auto gc = groupcall(created.id);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(gc.dial_index, 1);
  EXPECT_EQ(gc.call_ids, (std::vector<Uuid>{leg("a"), leg("b")}));
  EXPECT_EQ(gc.call_count, 1);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);

  report("b", LegReport::answered);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("b"));
  EXPECT_EQ(gc.dial_index, 1);
  // Answered: c is never dialled.
  EXPECT_EQ(driver->dial_count(), 2u);
  report("b", LegReport::remote_hangup);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->dial_count(), 2u);
  EXPECT_EQ(gc.call_ids.size(), 2u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Linear, EachDestinationRingsForRingTimeout) {
  auto r = request({endpoint("a"), endpoint("b"), endpoint("c")}, RingMethod::linear);
  r.ring_timeout = 2;
  auto created = create(r);
  report("a", LegReport::ringing);
  advance_ms(1999);  // never early
  EXPECT_EQ(call(leg("a")).status, CallStatus::ringing);
  EXPECT_EQ(driver->dial_count(), 1u);
  advance_ms(5);
  auto first = call(leg("a"));
  EXPECT_EQ(first.status, CallStatus::hangup);
  EXPECT_EQ(first.hangup_reason, HangupReason::dialout);
  EXPECT_EQ(first.hangup_by, HangupBy::local);
  EXPECT_EQ(driver->cancel_causes(leg("a")), std::vector<LegCause>{LegCause::ring_timeout});
  ASSERT_EQ(driver->dial_count(), 2u);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.dial_index, 1);
  EXPECT_EQ(gc.call_ids.size(), 2u);
  // The second destination gets a full ring_timeout of its own.
  advance_ms(1990);
  EXPECT_EQ(call(leg("b")).status, CallStatus::dialing);
  EXPECT_EQ(driver->dial_count(), 2u);
  advance_ms(15);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::dialout);
  ASSERT_EQ(driver->dial_count(), 3u);
  advance_ms(2010);
  EXPECT_EQ(call(leg("c")).hangup_reason, HangupReason::dialout);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(gc.dial_index, 2);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(gc.call_ids.size(), 3u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Linear, BusyRejectFailAndNoAnswerEachMoveOnThenItRunsOut) {
  auto created = create(
      request({endpoint("a"), endpoint("b"), endpoint("c"), endpoint("d")}, RingMethod::linear));
  const std::pair<const char*, LegReport> steps[] = {{"a", LegReport::busy},
                                                     {"b", LegReport::rejected},
                                                     {"c", LegReport::failed},
                                                     {"d", LegReport::no_answer}};
  int index = 0;
  for (auto& [target, outcome] : steps) {
    auto gc = groupcall(created.id);
    EXPECT_EQ(gc.dial_index, index) << target;
    EXPECT_EQ(gc.call_ids.size(), static_cast<std::size_t>(index + 1)) << target;
    EXPECT_EQ(gc.status, GroupcallStatus::progressing) << target;
    EXPECT_EQ(driver->dial_count(), static_cast<std::size_t>(index + 1)) << target;
    report(target, LegReport::ringing);
    report(target, outcome);
    ++index;
  }
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::busy);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::noanswer);
  EXPECT_EQ(call(leg("c")).hangup_reason, HangupReason::failed);
  EXPECT_EQ(call(leg("d")).hangup_reason, HangupReason::noanswer);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_TRUE(gc.answer_groupcall_id.is_zero());
  EXPECT_EQ(gc.dial_index, 3);
  EXPECT_EQ(gc.call_count, 0);
  EXPECT_EQ(gc.call_ids, (std::vector<Uuid>{leg("a"), leg("b"), leg("c"), leg("d")}));
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(log.types_of(created.id), (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Linear, HangupGroupcallStopsTheLineHere) {
  auto created = create(request({endpoint("a"), endpoint("b")}, RingMethod::linear));
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->dial_count(), 1u);  // b is never dialled
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Linear, AnswerRacingTheRingTimeoutDoesNotWinAndTheLineMovesOn) {
  auto r = request({endpoint("a"), endpoint("b")}, RingMethod::linear);
  r.ring_timeout = 1;
  auto created = create(r);
  report("a", LegReport::ringing);
  advance_ms(999);
  ASSERT_EQ(call(leg("a")).status, CallStatus::ringing);
  // In the millisecond the ring timer fires, a answers: the groupcall reads its
  // timeout (and tells a to stop) before it reads a's answer.
  probe.scheduler().advance_time(std::chrono::milliseconds(1));
  driver->report(leg("a"), LegReport::answered);
  run();
  ASSERT_EQ(log.count(leg("a"), T::call_progressing), 1u) << "the race did not happen";
  auto a = call(leg("a"));
  EXPECT_EQ(a.status, CallStatus::hangup);
  EXPECT_EQ(a.hangup_by, HangupBy::local);
  EXPECT_EQ(a.hangup_reason, HangupReason::dialout);
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::ring_timeout});
  // A leg already told to stop cannot win: the line moves on to b.
  auto gc = groupcall(created.id);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_EQ(gc.dial_index, 1);
  ASSERT_EQ(driver->dial_count(), 2u);
  EXPECT_EQ(log.count(created.id, T::groupcall_progressing), 0u);
  report("b", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("b"));
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_TRUE(valid_groupcall_history(log.events_of(created.id)));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Linear, ManyDestinationsAreEachDialledInTurn) {
  // More branches than the groupcall scans linearly (it indexes them past 16).
  std::vector<Address> destinations;
  for (int i = 0; i < 24; ++i) destinations.push_back(endpoint("d" + std::to_string(i)));
  auto created = create(request(destinations, RingMethod::linear));
  for (int i = 0; i < 20; ++i) {
    auto target = "d" + std::to_string(i);
    ASSERT_EQ(driver->dial_count(), static_cast<std::size_t>(i + 1)) << target;
    EXPECT_EQ(groupcall(created.id).dial_index, i);
    report(target, i % 2 ? LegReport::busy : LegReport::no_answer);
    EXPECT_EQ(call(leg(target)).status, CallStatus::hangup) << target;
  }
  report("d20", LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("d20"));
  EXPECT_EQ(gc.call_ids.size(), 21u);
  EXPECT_EQ(gc.call_count, 1);
  report("d20", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->dial_count(), 21u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(LinearSimulated, OutcomesMoveOnAtTheirTimes) {
  auto r = request({endpoint("a@sim;busy=100"), endpoint("b@sim;ring=20;reject=30"),
                    endpoint("c@sim;fail=10"), endpoint("d@sim")},
                   RingMethod::linear);
  r.ring_timeout = 1;
  auto created = create(r);
  advance_ms(95);
  EXPECT_EQ(driver->dials(), 1u);
  advance_ms(10);  // a busy at 100
  EXPECT_EQ(driver->dials(), 2u);
  EXPECT_EQ(groupcall(created.id).dial_index, 1);
  advance_ms(52);  // b rejects at 150 (rings at 120, rejects 30 ms later)
  EXPECT_EQ(driver->dials(), 3u);
  advance_ms(8);  // c fails at 160
  EXPECT_EQ(driver->dials(), 4u);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.dial_index, 3);
  ASSERT_EQ(gc.call_ids.size(), 4u);
  EXPECT_EQ(call(gc.call_ids[0]).hangup_reason, HangupReason::busy);
  EXPECT_EQ(call(gc.call_ids[1]).hangup_reason, HangupReason::noanswer);
  EXPECT_EQ(call(gc.call_ids[2]).hangup_reason, HangupReason::failed);
  // d rings until its own ring_timeout, from when it was dialled (~160 ms).
  advance_ms(970);
  EXPECT_EQ(call(gc.call_ids[3]).status, CallStatus::ringing);
  advance_ms(40);
  EXPECT_EQ(call(gc.call_ids[3]).hangup_reason, HangupReason::dialout);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(driver->pending(), 0u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

}  // namespace
}  // namespace chorus::test
