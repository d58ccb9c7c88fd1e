// The engine's side of the leg-driver port: what a dial carries (the caller's
// SDP offer), what an answer may carry back (the far end's SDP), which
// destinations a driver refuses before anything is created, and subscriptions
// that hand events to a sink of the embedder's own.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "engine_fixture.hpp"
#include "model/field_limits.hpp"

namespace chorus::test {
namespace {

constexpr const char* offer =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n";
constexpr const char* answer =
    "v=0\r\no=- 2 2 IN IP4 192.0.2.2\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\n";

TEST(DriverSeam, EveryLegOfATreeIsDialledWithTheCallersOffer) {
  ScriptedHarness h;
  auto ext = h.add_extension("200", {endpoint("c1"), endpoint("c2")});
  auto request = h.request({endpoint("a"), extension_number("200")});
  request.sdp_offer = offer;
  request.alert_info = "<urn:alert:service:normal>";
  h.create(request);
  auto dials = h.driver->dials();
  ASSERT_EQ(dials.size(), 3u);
  for (auto& d : dials) {
    EXPECT_EQ(d.sdp_offer, offer) << d.target;
    EXPECT_EQ(d.alert_info, "<urn:alert:service:normal>") << d.target;
  }
}

TEST(DriverSeam, WithoutAnOfferADialCarriesNone) {
  ScriptedHarness h;
  h.create(h.request({endpoint("a")}));
  ASSERT_EQ(h.driver->dial_count(), 1u);
  EXPECT_TRUE(h.driver->dials()[0].sdp_offer.empty());
}

TEST(DriverSeam, AnOversizedOfferIsRefusedAndRingsNothing) {
  ScriptedHarness h;
  auto request = h.request({endpoint("a")});
  request.sdp_offer.assign(field_limits::sdp + 1, 'x');
  auto created = h.engine.create_groupcall(request);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().field, "sdp_offer");
  h.run();
  EXPECT_EQ(h.driver->dial_count(), 0u);
}

TEST(DriverSeam, TheAnswersSdpReachesTheEmbedderWithTheAnsweredCall) {
  ScriptedHarness h;
  auto gc = h.create(h.request({endpoint("a"), endpoint("b")}));
  ASSERT_TRUE(h.driver->answer_with_sdp(h.leg("a"), answer));
  h.run();
  auto winner = h.call(h.leg("a"));
  EXPECT_EQ(winner.status, CallStatus::progressing);
  EXPECT_EQ(winner.sdp_answer, answer);
  // The answered event carries it too; the loser has none.
  bool seen = false;
  for (auto& e : h.log.events_of(winner.id)) {
    if (e.type == EventType::call_progressing) seen = e.call->sdp_answer == answer;
  }
  EXPECT_TRUE(seen);
  EXPECT_TRUE(h.call(h.leg("b")).sdp_answer.empty());
  EXPECT_EQ(h.groupcall(gc.id).answer_call_id, winner.id);
}

TEST(DriverSeam, ADestinationTheDriverCannotReachIsRefusedBeforeAnythingIsCreated) {
  ScriptedHarness h;
  h.driver->refuse_targets_with("unreachable");
  auto created = h.engine.create_groupcall(h.request({endpoint("a"), endpoint("unreachable-b")}));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().field, "destinations[1]");
  EXPECT_NE(created.error().message.find("unreachable-b"), std::string::npos);
  h.run();
  EXPECT_EQ(h.driver->dial_count(), 0u);
  EXPECT_TRUE(h.engine.groupcalls(h.customer, 10).value().empty());
}

TEST(DriverSeam, AnUnreachableContactOfANestedExtensionNamesItsTopLevelDestination) {
  ScriptedHarness h;
  h.driver->refuse_targets_with("unreachable");
  h.add_extension("300", {endpoint("c1"), endpoint("unreachable-c2")});
  auto created = h.engine.create_groupcall(h.request({endpoint("a"), extension_number("300")}));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().field, "destinations[1]");
  h.run();
  EXPECT_EQ(h.driver->dial_count(), 0u);
}

TEST(DriverSeam, CreateCallsRefusesTheWholeRequestForOneUnreachableDestination) {
  ScriptedHarness h;
  h.driver->refuse_targets_with("unreachable");
  CallsRequest request;
  request.customer_id = h.customer;
  request.source = Address{AddressType::tel, "+15550001000", "", "", ""};
  request.destinations = {endpoint("a"), endpoint("unreachable-b")};
  std::optional<Result<CallsCreated>> answer_of;
  h.engine.create_calls(request, [&](Result<CallsCreated> r) { answer_of = std::move(r); });
  h.run();
  ASSERT_TRUE(answer_of);
  ASSERT_FALSE(*answer_of);
  EXPECT_EQ(answer_of->error().field, "destinations[1]");
  EXPECT_EQ(h.driver->dial_count(), 0u);
}

// A sink of the embedder's own: what it was handed, and whether it was ended.
class CountingSink final : public EventSink {
 public:
  void deliver(const EventPtr& event) override {
    std::lock_guard<std::mutex> guard(mutex);
    types.push_back(event->type());
  }
  void ended() override { ++ends; }
  std::mutex mutex;
  std::vector<EventType> types;
  std::atomic<int> ends{0};
};

TEST(DriverSeam, ASinkSubscriptionGetsItsTopicsEventsUntilTheyAreRemoved) {
  ScriptedHarness h;
  auto sink = std::make_shared<CountingSink>();
  auto subscription = h.engine.open_subscription(sink);
  auto topic = Topic::parse("customer_id:" + h.customer.to_string() + ":groupcall", "topic");
  ASSERT_TRUE(topic);
  // No topics yet: nothing arrives.
  h.create(h.request({endpoint("a")}));
  EXPECT_TRUE(sink->types.empty());
  subscription.add_topics({*topic});
  auto gc = h.create(h.request({endpoint("b")}));
  {
    std::lock_guard<std::mutex> guard(sink->mutex);
    ASSERT_EQ(sink->types.size(), 1u);  // groupcall events only, not the call's
    EXPECT_EQ(sink->types[0], EventType::groupcall_created);
  }
  subscription.remove_topics({*topic});
  h.report("b", LegReport::busy);
  EXPECT_EQ(sink->types.size(), 1u);
  EXPECT_EQ(h.groupcall(gc.id).status, GroupcallStatus::hangup);
}

TEST(DriverSeam, StopEndsASinkSubscriptionAndTellsTheSinkOnce) {
  auto sink = std::make_shared<CountingSink>();
  Subscription subscription;
  {
    ScriptedHarness h;
    subscription = h.engine.open_subscription(sink);
    auto topic = Topic::parse("customer_id:" + h.customer.to_string(), "topic");
    ASSERT_TRUE(topic);
    subscription.add_topics({*topic});
    h.create(h.request({endpoint("a")}));
    h.engine.stop();
    EXPECT_EQ(sink->ends.load(), 1);
    // The live groupcall's hangup reached the sink before the end.
    std::lock_guard<std::mutex> guard(sink->mutex);
    ASSERT_FALSE(sink->types.empty());
    EXPECT_EQ(sink->types.back(), EventType::groupcall_hangup);
  }
  // After the engine is gone the handle is inert.
  subscription.add_topics({});
  subscription.cancel();
  EXPECT_EQ(sink->ends.load(), 1);
}

TEST(DriverSeam, CancellingASinkSubscriptionDoesNotCallEnded) {
  ScriptedHarness h;
  auto sink = std::make_shared<CountingSink>();
  auto subscription = h.engine.open_subscription(sink);
  subscription.cancel();
  h.engine.stop();
  EXPECT_EQ(sink->ends.load(), 0);
}

TEST(DriverSeam, DroppedSubscriptionsLetGoOfTheirSinks) {
  ScriptedHarness h;
  auto sink = std::make_shared<CountingSink>();
  for (int i = 0; i < 10000; ++i) h.engine.open_subscription(sink);
  // Each was cancelled when dropped; stop() ends none of them.
  h.engine.stop();
  EXPECT_EQ(sink->ends.load(), 0);
  EXPECT_EQ(sink.use_count(), 1);
}

}  // namespace
}  // namespace chorus::test
