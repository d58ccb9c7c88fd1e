// Ring groups rung by the engine: each Yeastar strategy's order and timing under
// virtual time, availability, every kind of failover (a chain with a loop
// included), alert_info on every leg, missed-call records, and a ring group as a
// groupcall's destination.

#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

RingGroupMember member(const std::string& value,
                       RingGroupMemberType type = RingGroupMemberType::extension) {
  RingGroupMember m;
  m.value = value;
  m.type = type;
  return m;
}

class RingGroups : public ScriptedEngineTest {
 protected:
  RingGroup add_group(std::string number, RingStrategy strategy, std::int32_t ring_timeout,
                      std::vector<RingGroupMember> members) {
    RingGroup g;
    g.customer_id = customer;
    g.number = std::move(number);
    g.name = "group " + g.number;
    g.ring_strategy = strategy;
    g.ring_timeout = ring_timeout;
    g.member_list = std::move(members);
    return put(g);
  }
  RingGroup put(const RingGroup& g) {
    auto put = engine.put_ring_group(g);
    if (!put) throw std::runtime_error("put_ring_group: " + put.error().message);
    return *put;
  }
  Groupcall ring(const std::string& number) {
    RingGroupCallRequest r;
    r.customer_id = customer;
    r.number = number;
    r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    r.master_call_id = Uuid::generate();
    auto created = engine.ring_group_call(r);
    if (!created) throw std::runtime_error("ring_group_call: " + created.error().message);
    run();
    return *created;
  }
  bool ringing(const std::string& target) {
    auto c = call(leg(target));
    return c.status == CallStatus::dialing || c.status == CallStatus::ringing;
  }
};

TEST_F(RingGroups, SequentiallyRingsOneMemberAtATimeWithItsAlertInfo) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  auto g = add_group("6300", RingStrategy::sequentially, 2, {member("3071"), member("3074")});
  g.alert_info = "ring-group-support";
  put(g);
  auto created = ring("6300");
  EXPECT_EQ(created.owner_type, "ring_group");
  EXPECT_EQ(created.ring_method, RingMethod::linear);
  EXPECT_EQ(created.ring_timeout, 2);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"x1"});
  advance_ms(2010);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "x2"}));
  for (auto& d : driver->dials()) EXPECT_EQ(d.alert_info, "ring-group-support") << d.target;
  report("x2", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_groupcall_id.is_zero(), false);
  EXPECT_TRUE(groupcall(created.id).failover.dest.empty());
}

TEST_F(RingGroups, MemoryHuntAddsMembersAndKeepsTheEarlierRinging) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  add_group("6301", RingStrategy::memory_hunt, 3, {member("3071"), member("3074")});
  auto created = ring("6301");
  advance_ms(3010);
  EXPECT_TRUE(ringing("x1"));
  EXPECT_TRUE(ringing("x2"));
  advance_ms(3000);
  EXPECT_FALSE(ringing("x1"));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).failover, (Failover{"end_call", ""}));
}

// The document's group 8028: one sub_option group with delay_time 20 and
// timeout 20 whose three members ring together.
TEST_F(RingGroups, CustomRingsASubOptionGroupAfterItsDelayForItsTimeout) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  add_extension("3075", {endpoint("x3")});
  RingGroupMember group;
  group.type = RingGroupMemberType::group;
  group.delay_time = 20;
  group.timeout = 20;
  group.sub_option = std::vector<RingGroupMember>{member("3071"), member("3074"), member("3075")};
  add_group("6306", RingStrategy::custom, 0, {group});
  auto created = ring("6306");
  EXPECT_EQ(driver->dial_count(), 0u);
  advance_ms(19990);
  EXPECT_EQ(driver->dial_count(), 0u);
  advance_ms(20);
  auto targets = driver->dialled_targets();
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"x1", "x2", "x3"}));
  advance_ms(19970);
  EXPECT_TRUE(ringing("x2"));
  advance_ms(40);
  for (auto t : {"x1", "x2", "x3"}) EXPECT_FALSE(ringing(t)) << t;
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
}

TEST_F(RingGroups, CustomMembersRingOnTheirOwnDelaysAndTimeouts) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  auto first = member("3071");
  first.timeout = 5;
  auto second = member("3074");
  second.delay_time = 2;
  second.timeout = 10;
  auto created = ring(add_group("6307", RingStrategy::custom, 0, {first, second}).number);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"x1"});
  advance_ms(2010);
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "x2"}));
  advance_ms(3000);
  EXPECT_FALSE(ringing("x1"));
  EXPECT_TRUE(ringing("x2"));
  advance_ms(7000);
  EXPECT_FALSE(ringing("x2"));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
}

TEST_F(RingGroups, AnExtGroupMemberRingsItsExtensionsTogether) {
  auto e1 = add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  add_extension("3075", {endpoint("x3")});
  ExtensionGroup team;
  team.customer_id = customer;
  team.name = "Tech Support";
  team.extensions = {e1.id.to_string(), "3074"};
  auto put_team = engine.put_extension_group(team);
  ASSERT_TRUE(put_team) << put_team.error().message;
  add_group("6302", RingStrategy::sequentially, 2,
            {member("Tech Support", RingGroupMemberType::ext_group), member("3075")});
  ring("6302");
  auto targets = driver->dialled_targets();
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"x1", "x2"}));
  advance_ms(2010);
  EXPECT_EQ(driver->dialled_targets().back(), "x3");
  EXPECT_EQ(driver->dial_count(), 3u);
}

TEST_F(RingGroups, OnlyAvailableMembersRing) {
  add_extension("3071", {});  // no contact: unavailable
  add_extension("3074", {endpoint("x2")});
  add_group("6303", RingStrategy::sequentially, 2, {member("3071"), member("3074")});
  ring("6303");
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"x2"});
}

TEST_F(RingGroups, NobodyAvailableGoesToNoAgentOnlineDest) {
  add_extension("3071", {});
  auto fallback = add_extension("3099", {endpoint("operator")});
  auto g = add_group("6304", RingStrategy::ring_all, 2, {member("3071")});
  g.no_agent_online_dest = FailoverDest::extension;
  g.no_agent_online_value = "3099";
  put(g);
  auto created = ring("6304");
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"operator"});
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.failover, (Failover{"extension", "3099"}));
  report("operator", LegReport::answered);
  EXPECT_FALSE(groupcall(created.id).answer_groupcall_id.is_zero());
  (void)fallback;
}

class FailDest : public RingGroups {
 protected:
  // A one-member ring_all group whose member never answers; fail_dest as given.
  Groupcall ring_unanswered(FailoverDest dest, std::string prefix, std::string value) {
    add_extension("3071", {endpoint("x1")});
    auto g = add_group("6310", RingStrategy::ring_all, 2, {member("3071")});
    g.fail_dest = dest;
    g.fail_dest_prefix = std::move(prefix);
    g.fail_dest_value = std::move(value);
    put(g);
    auto created = ring("6310");
    advance_ms(2010);
    return created;
  }
};

TEST_F(FailDest, EndCallHangsUp) {
  auto created = ring_unanswered(FailoverDest::end_call, "", "");
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(gc.failover, (Failover{"end_call", ""}));
  EXPECT_EQ(driver->dial_count(), 1u);
}

TEST_F(FailDest, ExtensionRingsThatExtension) {
  add_extension("3099", {endpoint("operator")});
  auto created = ring_unanswered(FailoverDest::extension, "", "3099");
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "operator"}));
  EXPECT_EQ(groupcall(created.id).failover, (Failover{"extension", "3099"}));
  report("operator", LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::progressing);
  EXPECT_FALSE(gc.answer_groupcall_id.is_zero());
}

TEST_F(FailDest, ExternalNumDialsPrefixAndValue) {
  auto created = ring_unanswered(FailoverDest::external_num, "9", "5550002000");
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "95550002000"}));
  report("95550002000", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("95550002000"));
}

TEST_F(FailDest, ServicesOfTheSoftswitchAreHandedToTheDriver) {
  auto created = ring_unanswered(FailoverDest::ext_vm, "", "3071");
  auto routes = driver->routes();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].groupcall_id, created.id);
  EXPECT_EQ(routes[0].dest, "ext_vm");
  EXPECT_EQ(routes[0].value, "3071");
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  EXPECT_EQ(gc.failover, (Failover{"ext_vm", "3071"}));
}

TEST_F(FailDest, RingGroupChainsAndALoopBackEndsTheCall) {
  add_extension("3072", {endpoint("y1")});
  auto b = add_group("6320", RingStrategy::ring_all, 2, {member("3072")});
  b.fail_dest = FailoverDest::ring_group;
  b.fail_dest_value = "6310";  // back to the first group: a loop
  put(b);
  auto created = ring_unanswered(FailoverDest::ring_group, "", "6320");
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "y1"}));
  EXPECT_EQ(groupcall(created.id).failover, (Failover{"ring_group", "6320"}));
  advance_ms(2010);
  // The second group's failover comes back to the first: the call ends there.
  EXPECT_EQ(driver->dial_count(), 2u);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.status, GroupcallStatus::hangup);
  ASSERT_EQ(gc.groupcall_ids.size(), 2u);
  auto chained = groupcall(gc.groupcall_ids[1]);
  EXPECT_EQ(chained.failover, (Failover{"ring_group", "6310"}));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingGroups, MembersThatRangUnansweredGetMissedCalls) {
  auto e1 = add_extension("3071", {endpoint("x1")});
  auto e2 = add_extension("3074", {endpoint("x2")});
  auto e3 = add_extension("3075", {endpoint("x3")});
  auto g = add_group("6330", RingStrategy::ring_all, 5,
                     {member("3071"), member("3074"), member("3075")});
  g.enb_miss_call = 1;
  put(g);
  auto created = ring("6330");
  report("x2", LegReport::answered);
  report("x2", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  for (auto& ext : {e1, e3}) {
    auto missed = engine.missed_calls(customer, ext.id, 10);
    ASSERT_TRUE(missed) << missed.error().message;
    ASSERT_EQ(missed->size(), 1u) << ext.extension;
    EXPECT_EQ((*missed)[0].ring_group_id, g.id);
    EXPECT_EQ((*missed)[0].master_call_id, created.master_call_id);
    EXPECT_EQ((*missed)[0].source.target.str(), "+15550001000");
  }
  auto answered = engine.missed_calls(customer, e2.id, 10);
  ASSERT_TRUE(answered);
  EXPECT_TRUE(answered->empty());
}

TEST_F(RingGroups, WithoutEnbMissCallNothingIsRecorded) {
  auto e1 = add_extension("3071", {endpoint("x1")});
  add_group("6331", RingStrategy::ring_all, 1, {member("3071")});
  ring("6331");
  advance_ms(1010);
  auto missed = engine.missed_calls(customer, e1.id, 10);
  ASSERT_TRUE(missed);
  EXPECT_TRUE(missed->empty());
}

TEST_F(RingGroups, ARingGroupDestinationRingsAsANestedGroupcall) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  add_group("6340", RingStrategy::sequentially, 2, {member("3071"), member("3074")});
  auto created =
      create(request({Address{AddressType::ring_group, "6340", "", "", ""}, endpoint("p")}));
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  auto nested = groupcall(created.groupcall_ids[0]);
  EXPECT_EQ(nested.owner_type, "ring_group");
  EXPECT_EQ(nested.ring_method, RingMethod::linear);
  auto targets = driver->dialled_targets();
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"p", "x1"}));
  report("x1", LegReport::answered);
  report("p", LegReport::answered);
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.answer_groupcall_id, nested.id);
  EXPECT_EQ(call(leg("p")).hangup_reason, HangupReason::cancel);
}

TEST_F(RingGroups, ARepeatedGroupcallRunsTheWholeGroupAgain) {
  add_extension("3071", {endpoint("x1")});
  add_extension("3074", {endpoint("x2")});
  add_group("6341", RingStrategy::sequentially, 1, {member("3071"), member("3074")});
  auto r = request({Address{AddressType::ring_group, "6341", "", "", ""}});
  r.repeats = 1;
  auto created = create(r);
  advance_ms(1010);
  advance_ms(1010);  // the group's schedule is over: the groupcall runs it again
  EXPECT_EQ(driver->dialled_targets(), (std::vector<std::string>{"x1", "x2", "x1"}));
  auto gc = groupcall(created.id);
  EXPECT_EQ(gc.groupcall_ids.size(), 2u);
  EXPECT_EQ(groupcall(gc.groupcall_ids[0]).failover, (Failover{"end_call", ""}));
  advance_ms(1010);
  advance_ms(1010);
  EXPECT_EQ(driver->dial_count(), 4u);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(RingGroups, AnUnknownRingGroupIsRefusedNamingTheField) {
  auto refused =
      engine.create_groupcall(request({Address{AddressType::ring_group, "7777", "", "", ""}}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "destinations[0].target");
  RingGroupCallRequest r;
  r.customer_id = customer;
  r.number = "7777";
  r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
  EXPECT_FALSE(engine.ring_group_call(r));
}

TEST_F(RingGroups, AnotherCustomersRingGroupIsUnknown) {
  add_extension("3071", {endpoint("x1")});
  add_group("6350", RingStrategy::ring_all, 2, {member("3071")});
  RingGroupCallRequest r;
  r.customer_id = Uuid::generate();
  r.number = "6350";
  r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
  auto refused = engine.ring_group_call(r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  EXPECT_EQ(driver->dial_count(), 0u);
}

}  // namespace
}  // namespace chorus::test
