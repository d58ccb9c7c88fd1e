// chorusd with SIP on: legs on the host "sim" stay simulated, the others go to
// the real driver, and each driver refuses only what it cannot reach.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "transport/simulated/sim_host_split.hpp"

namespace chorus::test {
namespace {

TEST(SimHost, IsTheHostPartOfATarget) {
  for (auto* target : {"alice@sim", "alice@sim;answer=100", "sip:bob@sim", "sip:bob@sim:5060",
                       "sim", "<sip:carol@sim>", "a@b@sim;ring=1"}) {
    EXPECT_TRUE(on_sim_host(target)) << target;
  }
  for (auto* target : {"alice@127.0.0.1:5070", "+15551234", "sip:sim@example.com", "alice@simx",
                       "alice@xsim", "", "sim.example.com", "alice@sim.example.com"}) {
    EXPECT_FALSE(on_sim_host(target)) << target;
  }
}

// The engine over a split between two scripted drivers.
class SplitEngine {
 public:
  SplitEngine()
      : simulated(std::make_shared<ScriptedDriver>()),
        real(std::make_shared<ScriptedDriver>()),
        engine(std::make_shared<SimHostSplit>(simulated, real), deterministic_options()),
        probe(engine) {}

  GroupcallRequest request(std::vector<Address> destinations) const {
    GroupcallRequest r;
    r.customer_id = customer;
    r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    r.destinations = std::move(destinations);
    r.ring_method = RingMethod::ring_all;
    return r;
  }

  std::shared_ptr<ScriptedDriver> simulated;
  std::shared_ptr<ScriptedDriver> real;
  Engine engine;
  EngineProbe probe;
  Uuid customer = Uuid::generate();
};

TEST(SimHostSplit, DialsEachLegWithTheDriverOfItsHost) {
  SplitEngine s;
  auto created = s.engine.create_groupcall(s.request(
      {endpoint("a@sim;answer=1"), Address{AddressType::sip, "b@127.0.0.1:5070", "", "", ""}}));
  ASSERT_TRUE(created) << created.error().message;
  s.probe.run();
  EXPECT_EQ(s.simulated->dialled_targets(), std::vector<std::string>{"a@sim;answer=1"});
  EXPECT_EQ(s.real->dialled_targets(), std::vector<std::string>{"b@127.0.0.1:5070"});
  // The real leg answers: the simulated one is cancelled through its driver.
  s.real->report(created->call_ids[1], LegReport::answered);
  s.probe.run();
  EXPECT_EQ(s.simulated->cancel_causes(created->call_ids[0]),
            std::vector<LegCause>{LegCause::answered_elsewhere});
}

TEST(SimHostSplit, OnlyTheDriverOfAHostRefusesIt) {
  SplitEngine s;
  s.real->refuse_targets_with("@");
  auto sim_only = s.engine.create_groupcall(s.request({endpoint("a@sim")}));
  EXPECT_TRUE(sim_only) << sim_only.error().message;
  auto refused =
      s.engine.create_groupcall(s.request({endpoint("a@sim"), endpoint("b@example.com")}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "destinations[1]");
}

TEST(SimHostSplit, StartsAndStopsBoth) {
  SplitEngine s;
  EXPECT_EQ(s.simulated->starts(), 1);
  EXPECT_EQ(s.real->starts(), 1);
  s.engine.stop();
  EXPECT_EQ(s.simulated->stops(), 1);
  EXPECT_EQ(s.real->stops(), 1);
}

}  // namespace
}  // namespace chorus::test
