// Nested groupcalls: an agent destination rings the agent's addresses as a nested
// groupcall with the agent's ring_method; an extension destination rings its
// contacts as a nested ring_all. Answers propagate up, cancellations down; cycles
// and plans nested too deep are refused before anything rings.

#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

using T = EventType;

class Nested : public ScriptedEngineTest {
 protected:
  Agent add_agent(std::vector<Address> addresses, RingMethod method = RingMethod::ring_all) {
    Agent agent;
    agent.customer_id = customer;
    agent.name = "agent";
    agent.addresses = std::move(addresses);
    agent.ring_method = method;
    auto put = engine.put_agent(agent);
    if (!put) throw std::runtime_error(put.error().message);
    return *put;
  }
  std::vector<std::string> sorted_targets() const {
    auto targets = driver->dialled_targets();
    std::sort(targets.begin(), targets.end());
    return targets;
  }
  void expect_cancelled_elsewhere(const std::string& target) {
    auto c = call(leg(target));
    EXPECT_EQ(c.status, CallStatus::hangup) << target;
    EXPECT_EQ(c.hangup_reason, HangupReason::cancel) << target;
    EXPECT_EQ(c.hangup_by, HangupBy::local) << target;
    EXPECT_EQ(driver->cancel_causes(leg(target)),
              std::vector<LegCause>{LegCause::answered_elsewhere})
        << target;
  }
};

class NestedSimulated : public SimulatedEngineTest {};

TEST_F(Nested, AgentAnswerInsideWinsForTheParent) {
  auto agent = add_agent({endpoint("x1"), endpoint("x2")});
  auto created = create(request({agent_destination(agent.id), endpoint("p")}));
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  ASSERT_EQ(created.call_ids.size(), 1u);
  EXPECT_EQ(created.groupcall_count, 1);
  EXPECT_EQ(created.call_count, 1);
  auto nested_id = created.groupcall_ids[0];
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"p", "x1", "x2"}));
  EXPECT_EQ(created.call_ids[0], leg("p"));

  auto nested = groupcall(nested_id);
  EXPECT_EQ(nested.master_groupcall_id, created.id);
  EXPECT_EQ(nested.owner_type, "agent");
  EXPECT_EQ(nested.owner_id, agent.id);
  EXPECT_EQ(nested.status, GroupcallStatus::progressing);
  EXPECT_EQ(nested.call_ids, (std::vector<Uuid>{leg("x1"), leg("x2")}));
  EXPECT_EQ(call(leg("x1")).groupcall_id, nested_id);

  report("x2", LegReport::ringing);
  report("x2", LegReport::answered);
  nested = groupcall(nested_id);
  EXPECT_EQ(nested.answer_call_id, leg("x2"));
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.answer_groupcall_id, nested_id);
  EXPECT_TRUE(parent.answer_call_id.is_zero());
  EXPECT_EQ(parent.status, GroupcallStatus::progressing);
  EXPECT_EQ(parent.call_count, 0);
  EXPECT_EQ(parent.groupcall_count, 1);
  expect_cancelled_elsewhere("p");
  expect_cancelled_elsewhere("x1");
  EXPECT_EQ(call(leg("x2")).status, CallStatus::progressing);

  report("x2", LegReport::remote_hangup);
  EXPECT_EQ(call(leg("x2")).hangup_reason, HangupReason::normal);
  EXPECT_EQ(groupcall(nested_id).status, GroupcallStatus::hangup);
  parent = groupcall(created.id);
  EXPECT_EQ(parent.status, GroupcallStatus::hangup);
  EXPECT_EQ(parent.answer_groupcall_id, nested_id);
  EXPECT_EQ(log.types_of(nested_id),
            (std::vector<T>{T::groupcall_created, T::groupcall_progressing, T::groupcall_hangup}));
  EXPECT_EQ(log.types_of(created.id),
            (std::vector<T>{T::groupcall_created, T::groupcall_progressing, T::groupcall_hangup}));
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, ParentAnswerCancelsTheAgentsGroupcall) {
  auto agent = add_agent({endpoint("x1"), endpoint("x2")});
  auto created = create(request({agent_destination(agent.id), endpoint("p")}));
  auto nested_id = created.groupcall_ids.at(0);
  report("x1", LegReport::ringing);
  report("p", LegReport::answered);
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.answer_call_id, leg("p"));
  EXPECT_TRUE(parent.answer_groupcall_id.is_zero());
  EXPECT_EQ(parent.groupcall_count, 0);
  auto nested = groupcall(nested_id);
  EXPECT_EQ(nested.status, GroupcallStatus::hangup);
  EXPECT_TRUE(nested.answer_call_id.is_zero());
  expect_cancelled_elsewhere("x1");
  expect_cancelled_elsewhere("x2");
  // A late answer inside the cancelled groupcall changes nothing.
  report("x2", LegReport::answered);
  EXPECT_EQ(call(leg("x2")).status, CallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("p"));
  report("p", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, LinearAgentRingsItsAddressesInTurn) {
  auto agent = add_agent({endpoint("x1"), endpoint("x2")}, RingMethod::linear);
  auto created = create(request({agent_destination(agent.id), endpoint("p")}));
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"p", "x1"}));
  report("x1", LegReport::busy);
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"p", "x1", "x2"}));
  EXPECT_EQ(groupcall(created.groupcall_ids[0]).dial_index, 1);
  report("x2", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_groupcall_id, created.groupcall_ids[0]);
  expect_cancelled_elsewhere("p");
  report("x2", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, ExtensionWithTwoContactsAnswerInside) {
  auto ext = add_extension("2001", {endpoint("c1"), endpoint("c2")});
  auto created = create(request({extension_number("2001"), endpoint("p")}));
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  auto nested_id = created.groupcall_ids[0];
  auto nested = groupcall(nested_id);
  EXPECT_EQ(nested.owner_type, "extension");
  EXPECT_EQ(nested.owner_id, ext.id);
  EXPECT_EQ(effective(nested.ring_method), RingMethod::ring_all);
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"c1", "c2", "p"}));
  report("c1", LegReport::answered);
  EXPECT_EQ(groupcall(nested_id).answer_call_id, leg("c1"));
  EXPECT_EQ(groupcall(created.id).answer_groupcall_id, nested_id);
  expect_cancelled_elsewhere("c2");
  expect_cancelled_elsewhere("p");
  report("c1", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(nested_id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, ExtensionWithTwoContactsCancelledFromOutside) {
  auto ext = add_extension("2001", {endpoint("c1"), endpoint("c2")});
  // Dialled by number in target this time.
  auto created =
      create(request({endpoint("p"), Address{AddressType::extension, "2001", "", "", ""}}));
  auto nested_id = created.groupcall_ids.at(0);
  EXPECT_EQ(groupcall(nested_id).owner_id, ext.id);
  report("c2", LegReport::ringing);
  report("p", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("p"));
  EXPECT_EQ(groupcall(nested_id).status, GroupcallStatus::hangup);
  expect_cancelled_elsewhere("c1");
  expect_cancelled_elsewhere("c2");
  report("p", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, ExtensionByIdRingsItsContacts) {
  auto ext = add_extension("2001", {endpoint("c1")});
  auto created = create(request({Address{AddressType::extension, ext.id.to_string(), "", "", ""}}));
  EXPECT_EQ(groupcall(created.groupcall_ids.at(0)).owner_id, ext.id);
  EXPECT_EQ(driver->dialled_targets(), std::vector<std::string>{"c1"});
  report("c1", LegReport::busy);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, ExtensionWithNoContactsEndsAtOnceAndTheRestRings) {
  add_extension("2002", {});
  auto created = create(request({extension_number("2002"), endpoint("p")}));
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  auto nested = groupcall(created.groupcall_ids[0]);
  EXPECT_EQ(nested.status, GroupcallStatus::hangup);
  EXPECT_TRUE(nested.call_ids.empty());
  EXPECT_EQ(log.types_of(nested.id), (std::vector<T>{T::groupcall_created, T::groupcall_hangup}));
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.status, GroupcallStatus::progressing);
  EXPECT_EQ(parent.groupcall_count, 0);
  EXPECT_EQ(parent.call_count, 1);
  report("p", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("p"));
  report("p", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, OnlyAnExtensionWithNoContactsEndsTheGroupcall) {
  add_extension("2002", {});
  auto created = create(request({extension_number("2002")}));
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.groupcall_ids.at(0)).status, GroupcallStatus::hangup);
  EXPECT_EQ(driver->dial_count(), 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, LinearParentMovesPastAFailedAgent) {
  auto agent = add_agent({endpoint("x1"), endpoint("x2")});
  auto created = create(request({agent_destination(agent.id), endpoint("p")}, RingMethod::linear));
  ASSERT_EQ(created.groupcall_ids.size(), 1u);
  EXPECT_TRUE(created.call_ids.empty());
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"x1", "x2"}));
  report("x1", LegReport::busy);
  EXPECT_EQ(groupcall(created.id).dial_index, 0);
  EXPECT_EQ(driver->dial_count(), 2u);
  report("x2", LegReport::failed);
  EXPECT_EQ(groupcall(created.groupcall_ids[0]).status, GroupcallStatus::hangup);
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.dial_index, 1);
  EXPECT_EQ(parent.call_ids, std::vector<Uuid>{leg("p")});
  EXPECT_EQ(parent.status, GroupcallStatus::progressing);
  report("p", LegReport::answered);
  EXPECT_EQ(groupcall(created.id).answer_call_id, leg("p"));
  report("p", LegReport::remote_hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(NestedSimulated, LinearParentMovesPastAnAgentThatRangOut) {
  Agent agent;
  agent.customer_id = customer;
  agent.addresses = {endpoint("x1@sim"), endpoint("x2@sim;ring=100")};
  auto put = engine.put_agent(agent);
  ASSERT_TRUE(put.ok());
  auto r = request({agent_destination(put->id), endpoint("p@sim;answer=50;hangup=200")},
                   RingMethod::linear);
  r.ring_timeout = 1;
  auto created = create(r);
  auto nested_id = created.groupcall_ids.at(0);
  advance_ms(990);
  EXPECT_EQ(driver->dials(), 2u);
  advance_ms(20);
  auto nested = groupcall(nested_id);
  EXPECT_EQ(nested.status, GroupcallStatus::hangup);
  for (auto& id : nested.call_ids) EXPECT_EQ(call(id).hangup_reason, HangupReason::dialout);
  EXPECT_EQ(driver->dials(), 3u);
  auto parent = groupcall(created.id);
  EXPECT_EQ(parent.dial_index, 1);
  ASSERT_EQ(parent.call_ids.size(), 1u);
  advance_ms(60);
  EXPECT_EQ(groupcall(created.id).answer_call_id, parent.call_ids[0]);
  advance_ms(200);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, AnswerTimeoutOfTheTopEndsTheNestedLegsWithDialout) {
  auto agent = add_agent({endpoint("x1"), endpoint("x2")});
  auto r = request({agent_destination(agent.id), endpoint("p")});
  r.answer_timeout = 1;
  auto created = create(r);
  EXPECT_EQ(groupcall(created.groupcall_ids.at(0)).answer_timeout, 0);
  advance_ms(1010);
  for (auto& t : {"x1", "x2", "p"}) {
    EXPECT_EQ(call(leg(t)).hangup_reason, HangupReason::dialout) << t;
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::answer_timeout}) << t;
  }
  EXPECT_EQ(groupcall(created.groupcall_ids[0]).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, HangupGroupcallReachesTheNestedLegs) {
  auto ext = add_extension("2001", {endpoint("c1"), endpoint("c2")});
  auto created = create(request({extension_number("2001"), endpoint("p")}));
  std::optional<Result<Groupcall>> reply;
  engine.hangup_groupcall(customer, created.id,
                          [&](Result<Groupcall> r) { reply.emplace(std::move(r)); });
  run();
  ASSERT_TRUE(reply.has_value() && reply->ok());
  for (auto& t : {"c1", "c2", "p"}) {
    EXPECT_EQ(call(leg(t)).hangup_reason, HangupReason::cancel) << t;
    EXPECT_EQ(driver->cancel_causes(leg(t)), std::vector<LegCause>{LegCause::normal}) << t;
  }
  EXPECT_EQ(groupcall(created.groupcall_ids.at(0)).status, GroupcallStatus::hangup);
  EXPECT_EQ(groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, DeepNestingPropagatesTheAnswerToTheTop) {
  // top -> a1 -> a2 -> a3 -> a4 -> "deep": four nested levels, the default limit.
  auto a4 = add_agent({endpoint("deep")});
  auto a3 = add_agent({agent_destination(a4.id)});
  auto a2 = add_agent({agent_destination(a3.id)});
  auto a1 = add_agent({agent_destination(a2.id)});
  auto created = create(request({agent_destination(a1.id), endpoint("p")}));
  EXPECT_EQ(sorted_targets(), (std::vector<std::string>{"deep", "p"}));
  report("deep", LegReport::answered);
  // Walk down from the top: every level names the level below as its winner.
  auto level = groupcall(created.id);
  for (int depth = 0; depth < 4; ++depth) {
    ASSERT_EQ(level.groupcall_ids.size(), 1u) << depth;
    EXPECT_EQ(level.answer_groupcall_id, level.groupcall_ids[0]) << depth;
    level = groupcall(level.groupcall_ids[0]);
  }
  EXPECT_EQ(level.answer_call_id, leg("deep"));
  expect_cancelled_elsewhere("p");
  report("deep", LegReport::remote_hangup);
  auto top = groupcall(created.id);
  EXPECT_EQ(top.status, GroupcallStatus::hangup);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(engine.groupcalls(customer, 100).value().size(), 5u);
  EXPECT_EQ(engine.stats().pending_timers, 0u);  // every level's ring timer is gone
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, CycleIsRefusedAndNothingIsCreated) {
  auto a = add_agent({});
  auto b = add_agent({agent_destination(a.id)});
  a.addresses = {endpoint("x"), agent_destination(b.id)};
  ASSERT_TRUE(engine.put_agent(a).ok());
  for (auto& destinations : {std::vector<Address>{agent_destination(a.id)},
                             std::vector<Address>{endpoint("p"), agent_destination(b.id)}}) {
    auto refused = engine.create_groupcall(request(destinations));
    ASSERT_FALSE(refused.ok());
    auto expected_field = "destinations[" + std::to_string(destinations.size() - 1) + "]";
    EXPECT_EQ(refused.error().field, expected_field);
    EXPECT_NE(refused.error().message.find("cycle"), std::string::npos) << refused.error().message;
    run();
  }
  EXPECT_TRUE(engine.groupcalls(customer, 100).value().empty());
  EXPECT_TRUE(engine.calls(customer, 100).value().empty());
  EXPECT_EQ(driver->dial_count(), 0u);
  EXPECT_EQ(engine.stats().live_groupcalls, 0u);
  EXPECT_EQ(engine.stats().live_calls, 0u);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST_F(Nested, NestingDeeperThanTheLimitIsRefused) {
  // top -> a1 -> ... -> a5 -> "deep": five nested levels, one too many.
  auto next = add_agent({endpoint("deep")});
  for (int i = 0; i < 4; ++i) next = add_agent({agent_destination(next.id)});
  auto refused = engine.create_groupcall(request({endpoint("p"), agent_destination(next.id)}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "destinations[1]");
  EXPECT_NE(refused.error().message.find("deeper than 4"), std::string::npos)
      << refused.error().message;
  run();
  EXPECT_TRUE(engine.groupcalls(customer, 100).value().empty());
  EXPECT_TRUE(engine.calls(customer, 100).value().empty());
  EXPECT_EQ(driver->dial_count(), 0u);
  EXPECT_EQ(actors_left(), 0u);
}

TEST(NestedLimit, MaxNestingDepthOptionIsHonoured) {
  auto options = deterministic_options();
  options.max_nesting_depth = 1;
  ScriptedHarness h(options);
  Agent inner;
  inner.customer_id = h.customer;
  inner.addresses = {endpoint("x")};
  auto in = h.engine.put_agent(inner);
  ASSERT_TRUE(in.ok());
  Agent outer;
  outer.customer_id = h.customer;
  outer.addresses = {agent_destination(in->id)};
  auto out = h.engine.put_agent(outer);
  ASSERT_TRUE(out.ok());
  auto refused = h.engine.create_groupcall(h.request({agent_destination(out->id)}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "destinations[0]");
  h.run();
  EXPECT_EQ(h.driver->dial_count(), 0u);
  EXPECT_TRUE(h.engine.groupcalls(h.customer, 100).value().empty());
  // One level is within the limit.
  auto created = h.create(h.request({agent_destination(in->id)}));
  EXPECT_EQ(h.driver->dialled_targets(), std::vector<std::string>{"x"});
  h.report("x", LegReport::busy);
  EXPECT_EQ(h.groupcall(created.id).status, GroupcallStatus::hangup);
  EXPECT_EQ(h.actors_left(), 0u);
}

TEST_F(Nested, UnknownAgentIsRefused) {
  auto refused = engine.create_groupcall(request({agent_destination(Uuid::generate())}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "destinations[0].target");
  run();
  EXPECT_EQ(driver->dial_count(), 0u);
  EXPECT_TRUE(engine.groupcalls(customer, 100).value().empty());
}

}  // namespace
}  // namespace chorus::test
