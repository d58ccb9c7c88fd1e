#include "model/dial_plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::example_customer;
using test_support::id;

const Uuid other_customer = id("6e4a0680-804e-11ec-8477-2fea5968d85b");
const std::string agent_a = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string agent_b = "aaaaaaaa-0000-4000-8000-000000000002";
const std::string agent_c = "aaaaaaaa-0000-4000-8000-000000000003";
const std::string ext_id = "eeeeeeee-0000-4000-8000-000000000001";

Address tel(std::string number) {
  return Address{AddressType::tel, std::move(number), "", "", ""};
}
Address endpoint(std::string target) {
  return Address{AddressType::endpoint, std::move(target), "", "", ""};
}
Address agent(const std::string& agent_id) {
  return Address{AddressType::agent, agent_id, "", "", ""};
}
Address extension(std::string target, std::string target_name = "") {
  return Address{AddressType::extension, std::move(target), std::move(target_name), "", ""};
}

// An in-memory directory: agents by id, extensions by id or number, per customer.
class FakeDirectory : public DirectoryView {
 public:
  void add(const Agent& a) { agents_[a.id] = a; }
  void add(const Extension& e) { extensions_.push_back(e); }

  std::optional<Agent> find_agent(const Uuid& customer_id, const Uuid& agent_id) const override {
    const auto it = agents_.find(agent_id);
    if (it == agents_.end() || it->second.customer_id != customer_id) return std::nullopt;
    return it->second;
  }

  std::optional<Extension> find_extension(const Uuid& customer_id,
                                          const Address& address) const override {
    for (const Extension& e : extensions_) {
      if (e.customer_id != customer_id) continue;
      const bool by_target = !address.target.empty() &&
                             (address.target == e.extension || address.target == e.id.to_string());
      const bool by_name = address.target.empty() && address.target_name == e.extension;
      if (by_target || by_name) return e;
    }
    return std::nullopt;
  }

 private:
  std::map<Uuid, Agent> agents_;
  std::vector<Extension> extensions_;
};

Agent make_agent(const std::string& agent_id, std::vector<Address> addresses,
                 RingMethod ring_method = RingMethod::linear, Uuid owner = example_customer) {
  Agent a;
  a.id = id(agent_id);
  a.customer_id = owner;
  a.addresses = std::move(addresses);
  a.ring_method = ring_method;
  return a;
}

Extension make_extension(std::vector<Address> contacts) {
  Extension e;
  e.id = id(ext_id);
  e.customer_id = example_customer;
  e.extension = "2001";
  e.contacts = std::move(contacts);
  return e;
}

Result<DialPlan> resolve(const std::vector<Address>& destinations, const DirectoryView& directory,
                         const DialPlanLimits& limits = {}) {
  return resolve_dial_plan(example_customer, RingMethod::ring_all, destinations, directory, limits);
}

void expect_invalid(const Result<DialPlan>& plan, const std::string& field,
                    const std::string& message_part) {
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(plan.error().field, field);
  EXPECT_EQ(plan.error().message.rfind(field + ": ", 0), 0u) << plan.error().message;
  EXPECT_NE(plan.error().message.find(message_part), std::string::npos) << plan.error().message;
}

TEST(DialPlan, PlainDestinationsAreDialledAsWritten) {
  const FakeDirectory directory;
  const std::vector<Address> destinations = {tel("+15551234567"), endpoint("test11@test"),
                                             Address{AddressType::sip, "sip:a@b", "", "", ""}};
  const Result<DialPlan> plan =
      resolve_dial_plan(example_customer, RingMethod::linear, destinations, directory, {});
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->ring_method, RingMethod::linear);
  EXPECT_EQ(plan->owner_type, "");
  EXPECT_TRUE(plan->owner_id.is_zero());
  EXPECT_EQ(plan->destinations, destinations);
  ASSERT_EQ(plan->targets.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(plan->targets[i].address, destinations[i]);
    EXPECT_EQ(plan->targets[i].nested, nullptr);
  }
}

TEST(DialPlan, AgentExpandsIntoANestedPlanWithItsRingMethod) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {tel("+1"), endpoint("a@desk")}, RingMethod::linear));
  const Result<DialPlan> plan = resolve({tel("+2"), agent(agent_a)}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->targets.size(), 2u);
  EXPECT_EQ(plan->targets[0].nested, nullptr);
  const DialTarget& target = plan->targets[1];
  EXPECT_EQ(target.address, agent(agent_a));
  ASSERT_NE(target.nested, nullptr);
  EXPECT_EQ(target.nested->ring_method, RingMethod::linear);
  EXPECT_EQ(target.nested->owner_type, "agent");
  EXPECT_EQ(target.nested->owner_id, id(agent_a));
  EXPECT_EQ(target.nested->destinations, (std::vector<Address>{tel("+1"), endpoint("a@desk")}));
  ASSERT_EQ(target.nested->targets.size(), 2u);
  EXPECT_EQ(target.nested->targets[1].address, endpoint("a@desk"));
  EXPECT_EQ(target.nested->targets[1].nested, nullptr);
}

TEST(DialPlan, AgentKeepsAnUnsetRingMethod) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {tel("+1")}, RingMethod::unset));
  const Result<DialPlan> plan = resolve({agent(agent_a)}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->targets[0].nested->ring_method, RingMethod::unset);
}

TEST(DialPlan, ExtensionByNumberInTargetNameRingsAllContacts) {
  FakeDirectory directory;
  directory.add(make_extension(
      {Address{AddressType::sip, "sip:2001@10.0.0.1", "", "", ""}, endpoint("2001@softphone")}));
  const Result<DialPlan> plan = resolve({extension("", "2001")}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto& nested = plan->targets[0].nested;
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->ring_method, RingMethod::ring_all);
  EXPECT_EQ(nested->owner_type, "extension");
  EXPECT_EQ(nested->owner_id, id(ext_id));
  ASSERT_EQ(nested->targets.size(), 2u);
  EXPECT_EQ(nested->targets[0].address.target, "sip:2001@10.0.0.1");
}

TEST(DialPlan, ExtensionByIdInTarget) {
  FakeDirectory directory;
  directory.add(make_extension({tel("+1")}));
  const Result<DialPlan> plan = resolve({extension(ext_id)}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->targets[0].nested->owner_id, id(ext_id));
}

TEST(DialPlan, EmptyAgentAndExtensionGiveEmptyNestedPlans) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {}));
  directory.add(make_extension({}));
  const Result<DialPlan> plan = resolve({agent(agent_a), extension("2001")}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->targets.size(), 2u);
  for (const DialTarget& target : plan->targets) {
    ASSERT_NE(target.nested, nullptr);
    EXPECT_TRUE(target.nested->targets.empty());
  }
}

TEST(DialPlan, NestedAgentInAgentAndExtensionInAgent) {
  FakeDirectory directory;
  directory.add(make_extension({tel("+3")}));
  directory.add(make_agent(agent_b, {tel("+2"), extension("2001")}, RingMethod::ring_all));
  directory.add(make_agent(agent_a, {tel("+1"), agent(agent_b)}, RingMethod::linear));
  const Result<DialPlan> plan = resolve({agent(agent_a)}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto& a = plan->targets[0].nested;
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->owner_id, id(agent_a));
  const auto& b = a->targets[1].nested;
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->owner_id, id(agent_b));
  EXPECT_EQ(b->ring_method, RingMethod::ring_all);
  const auto& ext = b->targets[1].nested;
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(ext->owner_type, "extension");
  EXPECT_EQ(ext->targets[0].address, tel("+3"));
}

TEST(DialPlan, SameAgentTwiceSideBySideIsNotACycle) {
  FakeDirectory directory;
  directory.add(make_agent(agent_b, {tel("+2")}));
  directory.add(make_agent(agent_a, {agent(agent_b), agent(agent_b)}));
  const Result<DialPlan> plan = resolve({agent(agent_a), agent(agent_b)}, directory);
  ASSERT_TRUE(plan) << plan.error().message;
}

TEST(DialPlan, CycleThroughAgentsIsRefused) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {tel("+1"), agent(agent_b)}));
  directory.add(make_agent(agent_b, {agent(agent_a)}));
  const Result<DialPlan> plan = resolve({tel("+9"), agent(agent_a)}, directory);
  expect_invalid(plan, "destinations[1]", "cycle through agent " + agent_a);
  // The message shows the branch that loops.
  EXPECT_NE(plan.error().message.find("agent " + agent_a + " addresses[1] -> agent " + agent_b +
                                      " addresses[0]"),
            std::string::npos)
      << plan.error().message;
}

TEST(DialPlan, AgentListingItselfIsACycle) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {agent(agent_a)}));
  expect_invalid(resolve({agent(agent_a)}, directory), "destinations[0]",
                 "cycle through agent " + agent_a);
}

TEST(DialPlan, ExtensionListingItselfIsACycle) {
  FakeDirectory directory;
  directory.add(make_extension({extension("2001")}));
  expect_invalid(resolve({extension("2001")}, directory), "destinations[0]",
                 "cycle through extension " + ext_id);
}

TEST(DialPlan, DepthLimitCountsNestedLevels) {
  FakeDirectory directory;
  directory.add(make_agent(agent_c, {tel("+3")}));
  directory.add(make_agent(agent_b, {agent(agent_c)}));
  directory.add(make_agent(agent_a, {agent(agent_b)}));
  DialPlanLimits limits;
  limits.max_depth = 3;  // a -> b -> c is three nested levels
  EXPECT_TRUE(resolve({agent(agent_a)}, directory, limits));
  limits.max_depth = 2;
  expect_invalid(resolve({tel("+1"), agent(agent_a)}, directory, limits), "destinations[1]",
                 "nesting deeper than 2 levels");
  limits.max_depth = 0;  // no nesting at all
  expect_invalid(resolve({agent(agent_c)}, directory, limits), "destinations[0]",
                 "nesting deeper than 0 levels");
  EXPECT_TRUE(resolve({tel("+1")}, directory, limits));
}

TEST(DialPlan, DefaultDepthLimitIsFour) {
  FakeDirectory directory;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back("aaaaaaaa-0000-4000-8000-00000000010" + std::to_string(i));
  directory.add(make_agent(ids[5], {tel("+1")}));
  for (int i = 4; i >= 0; --i) directory.add(make_agent(ids[i], {agent(ids[i + 1])}));
  EXPECT_TRUE(resolve({agent(ids[2])}, directory));  // four levels
  expect_invalid(resolve({agent(ids[1])}, directory), "destinations[0]",
                 "nesting deeper than 4 levels");
}

TEST(DialPlan, UnknownAgentIsRefused) {
  FakeDirectory directory;
  expect_invalid(resolve({tel("+1"), agent(agent_a)}, directory), "destinations[1].target",
                 "unknown agent " + agent_a);
  // Another customer's agent is as unknown as a missing one.
  directory.add(make_agent(agent_a, {tel("+1")}, RingMethod::linear, other_customer));
  expect_invalid(resolve({agent(agent_a)}, directory), "destinations[0].target",
                 "unknown agent " + agent_a);
}

TEST(DialPlan, AgentTargetMustBeAUuid) {
  const FakeDirectory directory;
  const Result<DialPlan> plan = resolve({agent("smith")}, directory);
  expect_invalid(plan, "destinations[0].target", "must be an agent id (UUID)");
  EXPECT_EQ(plan.error().message, "destinations[0].target: must be an agent id (UUID)");
}

TEST(DialPlan, UnknownExtensionIsRefused) {
  const FakeDirectory directory;
  const Result<DialPlan> by_name = resolve({extension("", "2999")}, directory);
  expect_invalid(by_name, "destinations[0].target", "unknown extension 2999");
  expect_invalid(resolve({tel("+1"), extension("3001")}, directory), "destinations[1].target",
                 "unknown extension 3001");
}

TEST(DialPlan, NestedErrorsNameTheTopLevelDestination) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {tel("+1"), agent(agent_b)}));
  const Result<DialPlan> plan = resolve({tel("+9"), tel("+8"), agent(agent_a)}, directory);
  expect_invalid(plan, "destinations[2]", "unknown agent " + agent_b);
  EXPECT_EQ(plan.error().message,
            "destinations[2]: agent " + agent_a + " addresses[1].target: unknown agent " + agent_b);

  directory.add(make_agent(agent_b, {tel("")}));
  expect_invalid(resolve({agent(agent_a)}, directory), "destinations[0]", "must not be empty");
}

TEST(DialPlan, EmptyDestinationsAreRefused) {
  const FakeDirectory directory;
  const Result<DialPlan> plan = resolve({}, directory);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(plan.error().field, "destinations");
  EXPECT_EQ(plan.error().message, "destinations: must not be empty");
}

TEST(DialPlan, TooManyDestinationsIsALimit) {
  const FakeDirectory directory;
  DialPlanLimits limits;
  limits.max_destinations = 3;
  EXPECT_TRUE(resolve({tel("+1"), tel("+2"), tel("+3")}, directory, limits));
  const Result<DialPlan> plan =
      resolve({tel("+1"), tel("+2"), tel("+3"), tel("+4")}, directory, limits);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(plan.error().field, "destinations");
  EXPECT_EQ(plan.error().message, "destinations: at most 3 destinations");
}

TEST(DialPlan, NestedPlansHaveTheSameDestinationLimit) {
  FakeDirectory directory;
  directory.add(make_agent(agent_a, {tel("+1"), tel("+2"), tel("+3")}));
  DialPlanLimits limits;
  limits.max_destinations = 2;
  const Result<DialPlan> plan = resolve({agent(agent_a)}, directory, limits);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(plan.error().field, "destinations[0]");
}

TEST(DialPlan, TotalTargetsAcrossTheTreeAreLimited) {
  FakeDirectory directory;
  directory.add(make_agent(agent_b, {tel("+1"), tel("+2"), tel("+3")}));
  directory.add(make_agent(agent_a, {agent(agent_b), agent(agent_b), agent(agent_b)}));
  DialPlanLimits limits;
  limits.max_targets = 13;  // 1 + 3 + 3 * 3
  EXPECT_TRUE(resolve({agent(agent_a)}, directory, limits));
  limits.max_targets = 12;
  const Result<DialPlan> plan = resolve({agent(agent_a)}, directory, limits);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::limit_exceeded);
  EXPECT_EQ(plan.error().field, "destinations");
}

TEST(DialPlan, InvalidTopLevelDestinationNamesItsField) {
  const FakeDirectory directory;
  const Result<DialPlan> plan = resolve({tel("+1"), endpoint("")}, directory);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().field, "destinations[1].target");
  EXPECT_EQ(plan.error().message, "destinations[1].target: must not be empty");
}

}  // namespace
}  // namespace chorus
