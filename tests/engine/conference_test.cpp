// Conferences and their participants under the deterministic scheduler, with the
// scripted driver playing both the far ends and the bridge.
#include <gtest/gtest.h>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <thread>

#include "engine_fixture.hpp"
#include "fake_store.hpp"
#include "model/conference_transitions.hpp"
#include "model/direct_hash.hpp"

namespace chorus::test {
namespace {

class ConferenceTest : public ScriptedEngineTest {
 protected:
  Conference create_conference(ConferenceType type = ConferenceType::conference,
                               std::int32_t max_participants = 0, std::int32_t timeout = 0) {
    ConferenceCreate request;
    request.customer_id = customer;
    request.type = type;
    request.name = Text("standup");
    request.max_participants = max_participants;
    request.timeout = timeout;
    auto created = engine.create_conference(request);
    if (!created) throw std::runtime_error("create_conference: " + created.error().message);
    run();
    return *created;
  }

  // A groupcall to `target`, answered (and won) by it: its call's id.
  Uuid answered_call(const std::string& target) {
    create(request({endpoint(target)}));
    report(target, LegReport::answered);
    return leg(target);
  }

  Result<Conferencecall> join(const Uuid& conference_id, const Uuid& call_id,
                              const Uuid& as_customer) {
    ConferencecallJoin request;
    request.customer_id = as_customer;
    request.conference_id = conference_id;
    request.reference_id = call_id;
    std::optional<Result<Conferencecall>> answer;
    engine.join_conference(request, [&](Result<Conferencecall> r) { answer = std::move(r); });
    run();
    if (!answer) throw std::runtime_error("join was never answered");
    return *answer;
  }
  Result<Conferencecall> join(const Uuid& conference_id, const Uuid& call_id) {
    return join(conference_id, call_id, customer);
  }

  Result<Conferencecall> kick(const Uuid& id) {
    std::optional<Result<Conferencecall>> answer;
    engine.kick_conferencecall(customer, id,
                               [&](Result<Conferencecall> r) { answer = std::move(r); });
    run();
    if (!answer) throw std::runtime_error("kick was never answered");
    return *answer;
  }

  Conference conference(const Uuid& id) {
    auto c = engine.conference(customer, id);
    if (!c) throw std::runtime_error("conference: " + c.error().message);
    return *c;
  }
  Conferencecall participant(const Uuid& id) {
    auto p = engine.conferencecall(customer, id);
    if (!p) throw std::runtime_error("conferencecall: " + p.error().message);
    return *p;
  }
};

TEST_F(ConferenceTest, ACreatedConferenceIsProgressingWithADirectHash) {
  auto c = create_conference();
  EXPECT_EQ(c.status, ConferenceStatus::progressing);
  EXPECT_EQ(c.direct_hash.size(), direct_hash_size);
  EXPECT_TRUE(c.tm_create.is_set());
  EXPECT_FALSE(c.tm_end.is_set());
  EXPECT_EQ(log.types_of(c.id), (std::vector<EventType>{EventType::conference_created}));
  EXPECT_NE(create_conference().direct_hash, c.direct_hash);
  EXPECT_EQ(engine.conferences(customer, 10).value().size(), 2u);
  EXPECT_FALSE(engine.conference(Uuid::generate(), c.id));  // another customer's: not found
}

TEST_F(ConferenceTest, AChosenIdIsTakenOnce) {
  ConferenceCreate request;
  request.customer_id = customer;
  request.id = Uuid::generate();
  ASSERT_TRUE(engine.create_conference(request));
  auto again = engine.create_conference(request);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
}

TEST_F(ConferenceTest, AnAnsweredCallJoinsThroughJoiningThenJoined) {
  driver->hold_bridges();
  auto c = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(c.id, call_id);
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(joined->status, ConferencecallStatus::joining);
  EXPECT_EQ(joined->conference_id, c.id);
  EXPECT_EQ(joined->reference_id, call_id);
  EXPECT_EQ(joined->reference_type, ConferencecallReferenceType::call);
  EXPECT_EQ(conference(c.id).conferencecall_ids, std::vector<Uuid>{joined->id});
  EXPECT_EQ(call(call_id).conference_id, c.id);
  EXPECT_EQ(log.count(call_id, EventType::call_updated), 1u);
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::joining);

  ASSERT_TRUE(driver->confirm(joined->id, BridgeReport::joined));
  run();
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::joined);
  EXPECT_EQ(log.types_of(joined->id), (std::vector<EventType>{EventType::conferencecall_joining,
                                                              EventType::conferencecall_joined}));
  EXPECT_EQ(engine.conferencecalls(customer, 10).value().size(), 1u);
}

TEST_F(ConferenceTest, AJoinIsRefusedForACallThatIsNotAnsweredOrNotYours) {
  auto c = create_conference();
  create(request({endpoint("ringing")}));
  report("ringing", LegReport::ringing);
  auto ringing = join(c.id, leg("ringing"));
  ASSERT_FALSE(ringing);
  EXPECT_EQ(ringing.error().code, ErrorCode::conflict);
  EXPECT_NE(ringing.error().message.find("not answered"), std::string::npos);

  auto unknown = join(c.id, Uuid::generate());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);

  // Another customer can neither see the conference nor use a call into it.
  auto call_id = answered_call("bob");
  auto stranger = join(c.id, call_id, Uuid::generate());
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, ErrorCode::not_found);

  auto hung_up = answered_call("carol");
  report(hung_up, LegReport::remote_hangup);
  auto ended = join(c.id, hung_up);
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, ErrorCode::conflict);

  EXPECT_TRUE(conference(c.id).conferencecall_ids.empty());
  EXPECT_EQ(log.count(EventType::conferencecall_joining), 0u);
  EXPECT_EQ(log.count(c.id, EventType::conference_updated), 0u);
}

TEST_F(ConferenceTest, ACallIsInOneConferenceAtATime) {
  auto first = create_conference();
  auto second = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(first.id, call_id);
  ASSERT_TRUE(joined);
  auto again = join(second.id, call_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_TRUE(conference(second.id).conferencecall_ids.empty());
  // Once it has left the first, it may join the second.
  ASSERT_TRUE(kick(joined->id));
  EXPECT_TRUE(call(call_id).conference_id.is_zero());
  EXPECT_TRUE(join(second.id, call_id));
  EXPECT_EQ(call(call_id).conference_id, second.id);
}

TEST_F(ConferenceTest, AFullConferenceRefusesAJoinAndChangesNothing) {
  auto c = create_conference(ConferenceType::conference, 1);
  ASSERT_TRUE(join(c.id, answered_call("a")));
  auto before = conference(c.id);
  auto conference_events = [&] {
    std::size_t n = 0;
    for (auto& e : log.events()) {
      n += e.kind == ResourceKind::conference || e.kind == ResourceKind::conferencecall;
    }
    return n;
  };
  auto events = conference_events();
  auto refused = join(c.id, answered_call("b"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("full"), std::string::npos);
  EXPECT_EQ(conference(c.id), before);
  EXPECT_EQ(conference_events(), events);
  EXPECT_TRUE(call(leg("b")).conference_id.is_zero());
}

TEST_F(ConferenceTest, AKickLeavesOnceAndASecondKickIsAConflict) {
  driver->hold_bridges();
  auto c = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(c.id, call_id);
  ASSERT_TRUE(driver->confirm(joined->id, BridgeReport::joined));
  run();
  auto kicked = kick(joined->id);
  ASSERT_TRUE(kicked) << kicked.error().message;
  EXPECT_EQ(kicked->status, ConferencecallStatus::leaving);
  auto again = kick(joined->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  ASSERT_TRUE(driver->confirm(joined->id, BridgeReport::left));
  run();
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::leaved);
  EXPECT_TRUE(conference(c.id).conferencecall_ids.empty());
  EXPECT_EQ(call(call_id).status, CallStatus::progressing);  // the call goes on
  EXPECT_EQ(log.types_of(joined->id),
            (std::vector<EventType>{
                EventType::conferencecall_joining, EventType::conferencecall_joined,
                EventType::conferencecall_leaving, EventType::conferencecall_leaved}));
  auto late = kick(joined->id);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
}

TEST_F(ConferenceTest, ACallsHangupMakesItsParticipantLeave) {
  auto c = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(c.id, call_id);
  ASSERT_TRUE(joined);
  report(call_id, LegReport::remote_hangup);
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::leaved);
  EXPECT_TRUE(conference(c.id).conferencecall_ids.empty());
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::progressing);
  EXPECT_TRUE(call(call_id).conference_id.is_zero());
  // Its call_updated (joined) sits between progressing and hangup.
  EXPECT_EQ(log.count(call_id, EventType::call_updated), 1u);
  EXPECT_TRUE(valid_call_history(log.events_of(call_id)));
}

TEST_F(ConferenceTest, AKickRacingTheCallsHangupLeavesOnce) {
  driver->hold_bridges();
  auto c = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(c.id, call_id);
  ASSERT_TRUE(driver->confirm(joined->id, BridgeReport::joined));
  run();
  // Both reach the engine before either is processed.
  std::optional<Result<Conferencecall>> kicked;
  engine.kick_conferencecall(customer, joined->id,
                             [&](Result<Conferencecall> r) { kicked = std::move(r); });
  driver->report(call_id, LegReport::remote_hangup);
  run();
  ASSERT_TRUE(driver->confirm(joined->id, BridgeReport::left));
  run();
  ASSERT_TRUE(kicked.has_value());
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::leaved);
  EXPECT_EQ(log.count(joined->id, EventType::conferencecall_leaving), 1u);
  EXPECT_EQ(log.count(joined->id, EventType::conferencecall_leaved), 1u);
  EXPECT_EQ(driver->bridge_moves(BridgeReport::left), 1u);
}

TEST_F(ConferenceTest, AConnectConferenceEndsWhenFewerThanTwoRemain) {
  auto c = create_conference(ConferenceType::connect);
  auto a = join(c.id, answered_call("a"));
  auto b = join(c.id, answered_call("b"));
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(participant(b->id).status, ConferencecallStatus::joined);
  ASSERT_TRUE(kick(a->id));
  EXPECT_EQ(participant(b->id).status, ConferencecallStatus::leaved);
  auto ended = conference(c.id);
  EXPECT_EQ(ended.status, ConferenceStatus::terminated);
  EXPECT_TRUE(ended.tm_end.is_set());
  EXPECT_TRUE(ended.conferencecall_ids.empty());
  EXPECT_EQ(call(leg("b")).status, CallStatus::progressing);  // the call itself goes on
}

TEST_F(ConferenceTest, AConnectConferenceWithOneParticipantWaitsForASecond) {
  auto c = create_conference(ConferenceType::connect);
  auto a = join(c.id, answered_call("a"));
  ASSERT_TRUE(a);
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::progressing);
}

TEST_F(ConferenceTest, TheTimeoutTerminatesAndEveryParticipantLeaves) {
  auto c = create_conference(ConferenceType::conference, 0, 2);
  auto a = join(c.id, answered_call("a"));
  ASSERT_TRUE(a);
  advance_ms(1900);
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::progressing);
  advance_ms(200);
  auto ended = conference(c.id);
  EXPECT_EQ(ended.status, ConferenceStatus::terminated);
  EXPECT_TRUE(ended.tm_end.is_set());
  EXPECT_EQ(participant(a->id).status, ConferencecallStatus::leaved);
  // terminating, a's removal, terminated: each a conference_updated.
  EXPECT_EQ(log.types_of(c.id).back(), EventType::conference_updated);
  EXPECT_EQ(log.events_of(c.id).back().conference->status, ConferenceStatus::terminated);
}

TEST_F(ConferenceTest, DeleteTerminatesThenStampsTmDelete) {
  driver->hold_bridges();
  auto c = create_conference();
  auto a = join(c.id, answered_call("a"));
  ASSERT_TRUE(driver->confirm(a->id, BridgeReport::joined));
  run();
  std::optional<Result<Conference>> deleted;
  engine.delete_conference(customer, c.id, [&](Result<Conference> r) { deleted = std::move(r); });
  run();
  EXPECT_FALSE(deleted.has_value());  // waits for the participant to leave
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::terminating);
  ASSERT_TRUE(driver->confirm(a->id, BridgeReport::left));
  run();
  ASSERT_TRUE(deleted.has_value());
  ASSERT_TRUE(*deleted) << deleted->error().message;
  EXPECT_EQ((*deleted)->status, ConferenceStatus::terminated);
  EXPECT_TRUE((*deleted)->tm_delete.is_set());
  EXPECT_EQ(log.types_of(c.id).back(), EventType::conference_deleted);
  EXPECT_TRUE(engine.conferences(customer, 10).value().empty());  // gone from lists
  EXPECT_TRUE(conference(c.id).tm_delete.is_set());               // readable by id
}

TEST_F(ConferenceTest, AnUpdateChangesFieldsUntilTheConferenceEnds) {
  auto c = create_conference();
  ConferenceUpdate update;
  update.name = Text("retro");
  update.detail = Text("weekly");
  std::optional<Result<Conference>> updated;
  engine.update_conference(customer, c.id, update,
                           [&](Result<Conference> r) { updated = std::move(r); });
  run();
  ASSERT_TRUE(updated && *updated);
  EXPECT_EQ((*updated)->name.view(), "retro");
  EXPECT_EQ(conference(c.id).detail.view(), "weekly");
  EXPECT_EQ(log.types_of(c.id).back(), EventType::conference_updated);

  std::optional<Result<Conference>> deleted;
  engine.delete_conference(customer, c.id, [&](Result<Conference> r) { deleted = std::move(r); });
  run();
  ASSERT_TRUE(deleted && *deleted);
  updated.reset();
  engine.update_conference(customer, c.id, update,
                           [&](Result<Conference> r) { updated = std::move(r); });
  run();
  ASSERT_TRUE(updated && !*updated);
  EXPECT_EQ(updated->error().code, ErrorCode::conflict);
}

TEST_F(ConferenceTest, AGroupcallsWinnerJoinsItsConference) {
  auto c = create_conference();
  auto r = request({endpoint("a"), endpoint("b")});
  r.conference_id = c.id;
  auto g = create(r);
  EXPECT_EQ(g.conference_id, c.id);
  report("b", LegReport::answered);
  auto ids = conference(c.id).conferencecall_ids;
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(participant(ids[0]).reference_id, leg("b"));
  EXPECT_EQ(participant(ids[0]).status, ConferencecallStatus::joined);
  EXPECT_EQ(call(leg("b")).conference_id, c.id);
}

TEST_F(ConferenceTest, AGroupcallForAConferenceThatIsNotLiveIsRefused) {
  auto r = request({endpoint("a")});
  r.conference_id = Uuid::generate();
  auto refused = engine.create_groupcall(r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "conference_id");
  EXPECT_EQ(driver->dial_count(), 0u);
}

TEST_F(ConferenceTest, StopTerminatesLiveConferences) {
  auto c = create_conference();
  auto a = join(c.id, answered_call("a"));
  ASSERT_TRUE(a);
  engine.stop();
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::terminated);
  EXPECT_EQ(participant(a->id).status, ConferencecallStatus::leaved);
  EXPECT_EQ(engine.stats().live_conferences, 0u);
  EXPECT_EQ(engine.stats().live_conferencecalls, 0u);
}

TEST_F(ConferenceTest, AKilledParticipantIsReapedLeavedAndItsCallMayJoinAgain) {
  driver->hold_bridges();
  auto c = create_conference();
  auto call_id = answered_call("alice");
  auto joined = join(c.id, call_id);
  ASSERT_TRUE(joined);
  auto actor = probe.context().registry.conferencecalls.actor(joined->id);
  ASSERT_TRUE(static_cast<bool>(actor));
  caf::anon_send_exit(actor, caf::exit_reason::kill);
  run();
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::leaved);
  EXPECT_EQ(log.count(joined->id, EventType::conferencecall_leaved), 1u);
  EXPECT_TRUE(conference(c.id).conferencecall_ids.empty());
  EXPECT_TRUE(call(call_id).conference_id.is_zero());
  EXPECT_EQ(driver->bridge_moves(BridgeReport::left), 1u);  // taken out of the bridge
  EXPECT_TRUE(join(c.id, call_id));
}

TEST_F(ConferenceTest, AKilledConferenceIsTerminatedAndItsParticipantsLeave) {
  auto c = create_conference();
  auto joined = join(c.id, answered_call("alice"));
  ASSERT_TRUE(joined);
  auto actor = probe.context().registry.conferences.actor(c.id);
  ASSERT_TRUE(static_cast<bool>(actor));
  caf::anon_send_exit(actor, caf::exit_reason::kill);
  run();
  auto ended = conference(c.id);
  EXPECT_EQ(ended.status, ConferenceStatus::terminated);
  EXPECT_TRUE(ended.tm_end.is_set());
  EXPECT_EQ(participant(joined->id).status, ConferencecallStatus::leaved);
  EXPECT_EQ(engine.stats().live_conferences, 0u);
}

TEST(ConferenceRecovery, LiveConferencesEndTerminatedAndTheirParticipantsLeaved) {
  auto store = std::make_shared<FakeStore>();
  Uuid customer = Uuid::generate();
  Conference live;
  live.id = Uuid::generate();
  live.customer_id = customer;
  live.status = ConferenceStatus::progressing;
  Conferencecall in;
  in.id = Uuid::generate();
  in.customer_id = customer;
  in.conference_id = live.id;
  in.status = ConferencecallStatus::joined;
  live.conferencecall_ids = {in.id};
  store->put(live);
  store->put(in);

  EventLog log;
  EngineOptions options;
  options.worker_threads = 2;
  Engine engine(std::make_shared<SimulatedLegDriver>(), options, store);
  auto sub = engine.subscribe({"customer_id:" + customer.to_string()}, log.callback());
  ASSERT_TRUE(sub.ok());
  auto recovered = engine.recover();
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_EQ(recovered->conferences_ended, 1u);
  EXPECT_EQ(recovered->conferencecalls_ended, 1u);
  auto conference = engine.conference(customer, live.id);
  ASSERT_TRUE(conference.ok());
  EXPECT_EQ(conference->status, ConferenceStatus::terminated);
  EXPECT_TRUE(conference->tm_end.is_set());
  EXPECT_TRUE(conference->conferencecall_ids.empty());
  EXPECT_EQ(engine.conferencecall(customer, in.id)->status, ConferencecallStatus::leaved);
  EXPECT_EQ(store->stored_conference(live.id)->status, ConferenceStatus::terminated);
  for (int i = 0; i < 2000 && log.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(log.types_of(in.id), std::vector<EventType>{EventType::conferencecall_leaved});
  EXPECT_EQ(log.types_of(live.id), std::vector<EventType>{EventType::conference_updated});
}

}  // namespace
}  // namespace chorus::test
