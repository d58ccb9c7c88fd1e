// Instant group calls rung by the engine: every destination phone number at once,
// the first answer wins, answerTimeoutMinutes ends it unanswered (virtual time),
// an inactive one is refused and rings nothing, both as a groupcall destination
// and through the embedding API.

#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

class InstantGroupCalls : public ScriptedEngineTest {
 protected:
  InstantGroupCall add_service(std::string service_user_id, std::vector<std::string> numbers,
                               bool active = true) {
    InstantGroupCall s;
    s.customer_id = customer;
    s.tenant_id = "foo";
    s.group_id = "foogroup";
    s.service_user_id = std::move(service_user_id);
    s.name = "Test User";
    s.phone_number = "+3271112233";
    s.destination_phone_numbers = std::move(numbers);
    s.answer_timeout_minutes = 2;
    s.answer_timeout_enabled = true;
    s.active = active;
    auto put = engine.put_instant_group_call(s);
    if (!put) throw std::runtime_error("put_instant_group_call: " + put.error().message);
    return *put;
  }
  Result<Groupcall> dial(const std::string& target) {
    InstantGroupCallDial d;
    d.customer_id = customer;
    d.target = target;
    d.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    auto created = engine.instant_group_call_dial(d);
    run();
    return created;
  }
  std::vector<std::string> sorted_targets() const {
    auto targets = driver->dialled_targets();
    std::sort(targets.begin(), targets.end());
    return targets;
  }
};

TEST_F(InstantGroupCalls, EveryNumberRingsAtOnceAndTheFirstAnswerWins) {
  auto service = add_service("APIOTestIGC@sip.netaxis.be", {"+3271123456", "+3271123457"});
  auto created = dial("APIOTestIGC@sip.netaxis.be");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->owner_type, "instant_group_call");
  EXPECT_EQ(created->owner_id, service.id);
  EXPECT_EQ(created->answer_timeout, 120);
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"+3271123456", "+3271123457"}));
  report("+3271123457", LegReport::answered);
  EXPECT_EQ(groupcall(created->id).answer_call_id, leg("+3271123457"));
  EXPECT_EQ(call(leg("+3271123456")).hangup_reason, HangupReason::cancel);
}

TEST_F(InstantGroupCalls, ItIsDialledByItsPhoneNumberToo) {
  add_service("igc@example.com", {"+3271123456"});
  auto created = dial("+3271112233");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"+3271123456"});
}

TEST_F(InstantGroupCalls, TheAnswerTimeoutEndsItUnanswered) {
  add_service("igc@example.com", {"+3271123456", "+3271123457"});
  auto created = dial("igc@example.com");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->ring_timeout, 0);  // no leg has a timer of its own
  advance_ms(119900);
  EXPECT_EQ(call(leg("+3271123456")).status, CallStatus::dialing);
  advance_ms(200);
  for (auto t : {"+3271123456", "+3271123457"}) {
    EXPECT_EQ(call(leg(t)).hangup_reason, HangupReason::dialout) << t;
  }
  auto gc = groupcall(created->id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_TRUE(gc.answer_call_id.is_zero());
}

TEST_F(InstantGroupCalls, AsADestinationItsAnswerTimeoutEndsItsBranch) {
  add_service("igc@example.com", {"+3271123456"});
  auto r = request(
      {Address{AddressType::instant_group_call, "igc@example.com", "", "", ""}, endpoint("p")});
  r.ring_timeout = 600;  // p rings longer than the service's 2 minutes
  auto created = create(r);
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  auto nested = groupcall(created.groupcall_ids[0]);
  EXPECT_EQ(nested.owner_type, "instant_group_call");
  EXPECT_EQ(nested.answer_timeout, 120);
  advance_ms(119900);
  EXPECT_EQ(call(leg("+3271123456")).status, CallStatus::dialing);
  advance_ms(200);
  auto igc_leg = call(leg("+3271123456"));
  EXPECT_EQ(igc_leg.status, CallStatus::hangup);
  EXPECT_EQ(igc_leg.hangup_reason, HangupReason::dialout);
  EXPECT_EQ(groupcall(nested.id).status, GroupcallStatus::hangup);
  // The rest of the groupcall rings on.
  EXPECT_EQ(call(leg("p")).status, CallStatus::dialing);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::progressing);
}

TEST_F(InstantGroupCalls, WithoutTheAnswerTimeoutNoTimerIsSet) {
  auto s = add_service("igc@example.com", {"+3271123456"});
  s.answer_timeout_enabled = false;
  ASSERT_TRUE(engine.put_instant_group_call(s));
  auto created = dial("igc@example.com");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->answer_timeout, 0);
}

TEST_F(InstantGroupCalls, AnInactiveOneIsRefusedAndRingsNothing) {
  add_service("igc@example.com", {"+3271123456"}, false);
  auto refused = dial("igc@example.com");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  auto as_destination = engine.create_groupcall(
      request({Address{AddressType::instant_group_call, "igc@example.com", "", "", ""}}));
  ASSERT_FALSE(as_destination);
  EXPECT_EQ(as_destination.error().code, ErrorCode::conflict);
  run();
  EXPECT_EQ(driver->dial_count(), 0u);
}

TEST_F(InstantGroupCalls, AnotherCustomersServiceIsUnknown) {
  add_service("igc@example.com", {"+3271123456"});
  InstantGroupCallDial d;
  d.customer_id = Uuid::generate();
  d.target = "igc@example.com";
  d.source = Address{AddressType::tel, "+15550001000", "", "", ""};
  auto refused = engine.instant_group_call_dial(d);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  auto unknown = engine.create_groupcall(
      request({Address{AddressType::instant_group_call, "nobody@example.com", "", "", ""}}));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "destinations[0].target");
}

}  // namespace
}  // namespace chorus::test
