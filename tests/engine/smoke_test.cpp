#include <gtest/gtest.h>

#include "engine_probe.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace chorus {
namespace {

TEST(Smoke, RingAllFirstAnswerWins) {
  EngineOptions options;
  options.deterministic = true;
  auto driver = std::make_shared<SimulatedLegDriver>();
  Engine engine(driver, options);
  EngineProbe probe(engine);
  GroupcallRequest request;
  request.customer_id = Uuid::generate();
  request.source = {AddressType::tel, "+15550001", "", "", ""};
  request.destinations = {{AddressType::endpoint, "a@sim;answer=100;hangup=1000", "", "", ""},
                          {AddressType::endpoint, "b@sim", "", "", ""}};
  auto created = engine.create_groupcall(request);
  ASSERT_TRUE(created.ok()) << created.error().message;
  probe.run();
  probe.advance(std::chrono::milliseconds(200));
  auto gc = engine.groupcall(request.customer_id, created->id);
  ASSERT_TRUE(gc.ok());
  EXPECT_EQ(gc->answer_call_id, created->call_ids[0]);
  probe.advance(std::chrono::milliseconds(1000));
  gc = engine.groupcall(request.customer_id, created->id);
  EXPECT_EQ(gc->status, GroupcallStatus::hangup);
  EXPECT_EQ(probe.call_actors(), 0u);
}

}  // namespace
}  // namespace chorus
