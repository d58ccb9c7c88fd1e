// ring_all groupcalls: the first answer wins, the others are cancelled; the
// groupcall ends with its answered leg, when every destination failed, on
// answer_timeout, or when the API hangs it up.

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

using T = EventType;

class RingAll : public ScriptedEngineTest {};
class RingAllSimulated : public SimulatedEngineTest {};

TEST_F(RingAll, FirstAnswerWinsAndOthersAreCancelledAsAnsweredElsewhere) {
  auto created = create(request({endpoint("a"), endpoint("b"), endpoint("c")}));
  ASSERT_EQ(created.status, GroupcallStatus::progressing);
  ASSERT_EQ(created.call_ids.size(), 3u);
  EXPECT_EQ(created.call_count, 3);
  // Every destination is dialled at once, in order.
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"a", "b", "c"}));
  auto a = leg("a"), b = leg("b"), c = leg("c");
  EXPECT_EQ(created.call_ids, (std::vector<Uuid>{a, b, c}));
  for (auto& id : {a, b, c}) {
    EXPECT_EQ(call(id).status, CallStatus::dialing);
    EXPECT_EQ(call(id).groupcall_id, created.id);
    report(id, LegReport::ringing);
    EXPECT_EQ(call(id).status, CallStatus::ringing);
  }

  report(b, LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_EQ(gc.answer_call_id, b);
  EXPECT_TRUE(gc.answer_groupcall_id.is_zero());
  EXPECT_EQ(gc.call_count, 1);
  EXPECT_EQ(log.count(created.id, T::groupcall_progressing), 1u);
  EXPECT_EQ(call(b).status, CallStatus::progressing);
  for (auto& loser : {a, c}) {
    auto lost = call(loser);
    EXPECT_EQ(lost.status, CallStatus::hangup);
    EXPECT_EQ(lost.hangup_reason, HangupReason::cancel);
    EXPECT_EQ(lost.hangup_by, HangupBy::local);
    EXPECT_EQ(log.types_of(loser),
              (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_canceling,
                              T::call_hangup}));
    EXPECT_EQ(driver->cancel_causes(loser), std::vector<LegCause>{LegCause::answered_elsewhere});
  }
  EXPECT_TRUE(driver->cancel_causes(b).empty());
  EXPECT_TRUE(driver->hangups().empty());

  // The winner hangs up: the groupcall ends with it.
  report(b, LegReport::remote_hangup);
  auto won = call(b);
  EXPECT_EQ(won.status, CallStatus::hangup);
  EXPECT_EQ(won.hangup_reason, HangupReason::normal);
  EXPECT_EQ(won.hangup_by, HangupBy::remote);
  gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(gc.answer_call_id, b);
  EXPECT_EQ(gc.call_count, 0);
  EXPECT_EQ(log.types_of(created.id),
            (std::vector<T>{T::groupcall_created, T::groupcall_progressing, T::groupcall_hangup}));
  EXPECT_EQ(engine.stats().live_calls, 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);  // the ring timer went with the groupcall
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, AnswerWithoutRingingWinsToo) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("b", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("b"));
  EXPECT_EQ(log.types_of(leg("b")),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_progressing}));
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::cancel);
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, EveryDestinationFailingEndsTheGroupcallUnanswered) {
  auto created = create(request({endpoint("a"), endpoint("b"), endpoint("c"), endpoint("d")}));
  report("a", LegReport::busy);
  report("b", LegReport::rejected);
  report("c", LegReport::failed);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  EXPECT_EQ(groupcall(created.id).call_count, 1);
  report("d", LegReport::no_answer);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_TRUE(gc.answer_groupcall_id.is_zero());
  EXPECT_EQ(gc.call_count, 0);
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::busy);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::noanswer);
  EXPECT_EQ(call(leg("c")).hangup_reason, HangupReason::failed);
  EXPECT_EQ(call(leg("d")).hangup_reason, HangupReason::noanswer);
  for (auto& t : {"a", "b", "c", "d"}) EXPECT_EQ(call(leg(t)).hangup_by, HangupBy::remote);
  // Nobody to cancel: each leg was ended by its far end.
  EXPECT_TRUE(driver->cancels().empty());
  EXPECT_EQ(log.types_of(created.id), (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAllSimulated, EveryDestinationFailingEndsTheGroupcallOnTime) {
  auto created = create(request(
      {endpoint("a@sim;busy=10"), endpoint("b@sim;ring=5;fail=15"), endpoint("c@sim;reject=5")}));
  advance_ms(19);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  EXPECT_EQ(call(created.call_ids[0]).hangup_reason, HangupReason::busy);
  EXPECT_EQ(call(created.call_ids[2]).hangup_reason, HangupReason::noanswer);
  EXPECT_EQ(call(created.call_ids[1]).status, CallStatus::ringing);
  advance_ms(2);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_TRUE(gc.answer_groupcall_id.is_zero());
  EXPECT_EQ(call(created.call_ids[1]).hangup_reason, HangupReason::failed);
  EXPECT_EQ(driver->pending(), 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, AnsweredLegHangingUpRemotelyEndsTheGroupcall) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("a", LegReport::ringing);
  report("a", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("a"));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  report("a", LegReport::remote_hangup);
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::normal);
  EXPECT_EQ(call(leg("a")).hangup_by, HangupBy::remote);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  // The far end hung up: nothing to tell the driver about that leg.
  EXPECT_TRUE(driver->hangup_causes(leg("a")).empty());
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupCallOnTheAnsweredLegEndsItNormallyAndLocally) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("b", LegReport::ringing);
  report("b", LegReport::answered);
  auto b = leg("b");
  std::optional<Result<Call>> reply;
  engine.hangup_call(customer, b, [&](Result<Call> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->ok()) << reply->error().message;
  EXPECT_EQ((*reply)->id, b);
  EXPECT_EQ((*reply)->status, CallStatus::hangup);
  EXPECT_EQ((*reply)->hangup_reason, HangupReason::normal);
  EXPECT_EQ((*reply)->hangup_by, HangupBy::local);
  EXPECT_EQ(call(b).hangup_reason, HangupReason::normal);
  EXPECT_EQ(driver->hangup_causes(b), std::vector<LegCause>{LegCause::normal});
  EXPECT_EQ(log.types_of(b),
            (std::vector<T>{T::call_created, T::call_dialing, T::call_ringing, T::call_progressing,
                            T::call_terminating, T::call_hangup}));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).answer_call_id, b);
  // Hanging up an ended call changes nothing and still answers.
  std::optional<Result<Call>> again;
  engine.hangup_call(customer, b, [&](Result<Call> r) { again.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(again.has_value() && again->ok());
  EXPECT_EQ((*again)->hangup_reason, HangupReason::normal);
  EXPECT_EQ(driver->hangup_causes(b).size(), 1u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupCallOfAnotherCustomerIsNotFound) {
  auto created = create(request({endpoint("a")}));
  std::optional<Result<Call>> reply;
  engine.hangup_call(Uuid::generate(), created.call_ids[0],
                     [&](Result<Call> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value());
  ASSERT_FALSE(reply->ok());
  EXPECT_EQ(reply->error().code, ErrorCode::not_found);
  EXPECT_EQ(call(created.call_ids[0]).status, CallStatus::dialing);
  EXPECT_FALSE(engine.call(Uuid::generate(), created.call_ids[0]).ok());
  EXPECT_FALSE(engine.groupcall(Uuid::generate(), created.id).ok());
}

TEST_F(RingAll, HangupGroupcallWhileRingingCancelsEveryLeg) {
  auto created = create(request({endpoint("a"), endpoint("b"), endpoint("c")}));
  report("a", LegReport::ringing);
  report("c", LegReport::ringing);
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->ok()) << reply->error().message;
  EXPECT_TRUE((*reply)->status == GroupcallStatus::hangingup ||
              (*reply)->status == GroupcallStatus::hangup)
      << to_string((*reply)->status);
  for (auto& t : {"a", "b", "c"}) {
    auto id = leg(t);
    auto c = call(id);
    EXPECT_EQ(c.status, CallStatus::hangup) << t;
    EXPECT_EQ(c.hangup_reason, HangupReason::cancel) << t;
    EXPECT_EQ(c.hangup_by, HangupBy::local) << t;
    auto types = log.types_of(id);
    ASSERT_GE(types.size(), 2u);
    EXPECT_EQ(types[types.size() - 2], T::call_canceling) << t;
    EXPECT_EQ(types.back(), T::call_hangup) << t;
    EXPECT_EQ(driver->cancel_causes(id), std::vector<LegCause>{LegCause::normal}) << t;
  }
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(log.types_of(created.id), (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
  // Reports after the end are dropped.
  report("a", LegReport::answered);
  EXPECT_EQ(call(leg("a")).status, CallStatus::hangup);
  EXPECT_TRUE(groupcall(created.id).answer_call_id.is_zero());
  // Hanging up again answers with the ended groupcall.
  std::optional<Result<Groupcall>> again;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { again.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(again.has_value() && again->ok());
  EXPECT_EQ((*again)->status, GroupcallStatus::hangup);
  std::optional<Result<Groupcall>> foreign;
  engine.hangup_groupcall(Uuid::generate(), created.id,
                          [&](Result<Groupcall> r) { foreign.emplace(std::move(r)); });
  ASSERT_TRUE(foreign.has_value());
  ASSERT_FALSE(foreign->ok());
  EXPECT_EQ(foreign->error().code, ErrorCode::not_found);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupGroupcallRightAfterCreateHangsItUp) {
  // Before the groupcall's actor has run at all.
  auto created = engine.create_groupcall(request({endpoint("a"), endpoint("b")}));
  ASSERT_TRUE(created.ok());
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created->id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_NE((*reply)->status, GroupcallStatus::progressing);
  EXPECT_EQ(groupcall(created->id).status, GroupcallStatus::hangup);
  for (auto& id : created->call_ids) {
    EXPECT_EQ(call(id).hangup_reason, HangupReason::cancel);
    EXPECT_EQ(driver->cancel_causes(id), std::vector<LegCause>{LegCause::normal});
  }
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupCallOfALegNotYetRunningHangsItUp) {
  run();
  auto created = engine.create_groupcall(request({endpoint("a"), endpoint("b")}));
  ASSERT_TRUE(created.ok());
  // Only the groupcall runs: it spawns its legs, which have not run yet.
  ASSERT_EQ(probe.scheduler().jobs.size(), 1u);
  probe.scheduler().run_once();
  ASSERT_EQ(driver->dial_count(), 0u);
  auto a = created->call_ids[0];
  std::optional<Result<Call>> reply;
  engine.hangup_call(customer, a, [&](Result<Call> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_EQ((*reply)->status, CallStatus::hangup);
  EXPECT_EQ(call(a).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(driver->cancel_causes(a), std::vector<LegCause>{LegCause::normal});
  EXPECT_EQ(call(created->call_ids[1]).status, CallStatus::dialing);
  report(created->call_ids[1], LegReport::busy);
  EXPECT_EQ(groupcall(created->id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupGroupcallAfterAnswerHangsUpTheWinner) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("a", LegReport::answered);
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::normal);
  EXPECT_EQ(call(leg("a")).hangup_by, HangupBy::local);
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::normal});
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("a"));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, AnswerTimeoutEndsEveryLegWithReasonDialout) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.ring_timeout = 30;
  r.answer_timeout = 2;
  auto created = create(r);
  report("a", LegReport::ringing);
  advance_ms(1990);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  EXPECT_EQ(call(leg("a")).status, CallStatus::ringing);
  advance_ms(20);
  for (auto& t : {"a", "b"}) {
    auto c = call(leg(t));
    EXPECT_EQ(c.status, CallStatus::hangup) << t;
    EXPECT_EQ(c.hangup_reason, HangupReason::dialout) << t;
    EXPECT_EQ(c.hangup_by, HangupBy::local) << t;
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::answer_timeout});
  }
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, AnswerTimeoutNoLongerAppliesOnceAnswered) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.answer_timeout = 1;
  auto created = create(r);
  advance_ms(500);
  report("b", LegReport::answered);
  advance_ms(3000);
  EXPECT_EQ(call(leg("b")).status, CallStatus::progressing);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  report("b", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, RingTimeoutEndsEveryRingingLegWithDialout) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.ring_timeout = 1;
  auto created = create(r);
  report("a", LegReport::ringing);
  advance_ms(999);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  advance_ms(10);
  for (auto& t : {"a", "b"}) {
    EXPECT_EQ(call(leg(t)).hangup_reason, HangupReason::dialout) << t;
    EXPECT_EQ(call(leg(t)).hangup_by, HangupBy::local) << t;
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::ring_timeout});
  }
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, AnswerRacingTheRingTimeoutDoesNotWin) {
  auto r = request({endpoint("a"), endpoint("b")});
  r.ring_timeout = 1;
  auto created = create(r);
  report("a", LegReport::ringing);
  advance_ms(999);
  // The ring timer fires and a answers in the same millisecond; the groupcall
  // reads the timeout first and tells every leg to stop.
  probe.scheduler().advance_time(std::chrono::milliseconds(1));
  driver->report(leg("a"), LegReport::answered);
  run();
  ASSERT_EQ(log.count(leg("a"), T::call_progressing), 1u) << "the race did not happen";
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
  EXPECT_EQ(log.count(created.id, T::groupcall_progressing), 0u);
  EXPECT_EQ(call(leg("a")).hangup_reason, HangupReason::dialout);
  EXPECT_EQ(call(leg("b")).hangup_reason, HangupReason::dialout);
  EXPECT_EQ(driver->hangup_causes(leg("a")), std::vector<LegCause>{LegCause::ring_timeout});
  EXPECT_EQ(driver->cancel_causes(leg("b")), std::vector<LegCause>{LegCause::ring_timeout});
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupCallRacingTheLegsOwnEndStillAnswers) {
  auto created = create(request({endpoint("a"), endpoint("b")}));
  report("a", LegReport::answered);
  // The far end hangs up; before the leg has read that, the API hangs it up too.
  driver->report(leg("a"), LegReport::remote_hangup);
  std::optional<Result<Call>> reply;
  engine.hangup_call(customer, leg("a"), [&](Result<Call> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value()) << "hangup_call never answered";
  ASSERT_TRUE(reply->ok()) << reply->error().message;
  EXPECT_EQ((*reply)->id, leg("a"));
  EXPECT_EQ((*reply)->status, CallStatus::hangup);
  EXPECT_EQ((*reply)->hangup_reason, HangupReason::normal);
  EXPECT_EQ((*reply)->hangup_by, HangupBy::remote);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, HangupGroupcallRacingItsEndStillAnswers) {
  auto created = create(request({endpoint("a")}));
  // a's busy is read by the leg, whose end is now on its way to the groupcall;
  // the API's hangup arrives right behind it.
  driver->report(leg("a"), LegReport::busy);
  ASSERT_EQ(probe.scheduler().jobs.size(), 1u);
  probe.scheduler().run_once();
  ASSERT_EQ(call(leg("a")).status, CallStatus::hangup);
  ASSERT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value()) << "hangup_groupcall never answered";
  ASSERT_TRUE(reply->ok()) << reply->error().message;
  EXPECT_EQ((*reply)->id, created.id);
  EXPECT_EQ((*reply)->status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAll, ManyDestinationsStillHaveOneWinner) {
  // More branches than the groupcall scans linearly (it indexes them past 16).
  std::vector<Address> destinations;
  for (int i = 0; i < 40; ++i) destinations.push_back(endpoint("d" + std::to_string(i)));
  auto created = create(request(destinations));
  ASSERT_EQ(driver->dial_count(), 40u);
  for (int i = 0; i < 10; ++i) report("d" + std::to_string(i), LegReport::busy);
  EXPECT_EQ(groupcall(created.id).call_count, 30);
  report("d33", LegReport::answered);
  report("d17", LegReport::answered);  // already cancelled: dropped
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, leg("d33"));
  EXPECT_EQ(gc.call_count, 1);
  for (int i = 10; i < 40; ++i) {
    if (i == 33) continue;
    EXPECT_EQ(call(leg("d" + std::to_string(i))).hangup_reason, HangupReason::cancel) << i;
  }
  report("d33", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingAllSimulated, FirstSimulatedAnswerWinsOnVirtualTime) {
  auto created =
      create(request({endpoint("a@sim;ring=10;answer=300;hangup=1000"),
                      endpoint("b@sim;answer=200;hangup=500"), endpoint("c@sim;ring=50")}));
  advance_ms(150);
  EXPECT_EQ(call(created.call_ids[0]).status, CallStatus::ringing);
  EXPECT_EQ(call(created.call_ids[1]).status, CallStatus::ringing);
  advance_ms(60);  // b answers at 200 ms
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_call_id, created.call_ids[1]);
  EXPECT_EQ(call(created.call_ids[0]).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(call(created.call_ids[2]).hangup_reason, HangupReason::cancel);
  EXPECT_EQ(driver->cancels(), 2u);
  // a would have answered at 310 ms: it was cancelled, so it never does.
  advance_ms(200);
  EXPECT_EQ(call(created.call_ids[0]).status, CallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
  advance_ms(300);  // b hangs up 500 ms after answering
  EXPECT_EQ(call(created.call_ids[1]).hangup_reason, HangupReason::normal);
  EXPECT_EQ(call(created.call_ids[1]).hangup_by, HangupBy::remote);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->pending(), 0u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

}  // namespace
}  // namespace chorus::test
