#include "model/event_json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;

EventPtr call_event() {
  auto call = std::make_shared<Call>();
  call->id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  call->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  call->status = CallStatus::ringing;
  call->destination = Address{AddressType::endpoint, "desk@sim", "", "", ""};
  return std::make_shared<const Event>(EventType::call_ringing, std::shared_ptr<const Call>(call));
}

// What a node relays reads back as the same event: same type, kind and JSON.
void expect_round_trip(const Event& event) {
  auto back = event_from_json(event.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ((*back)->type(), event.type());
  EXPECT_EQ((*back)->kind(), event.kind());
  EXPECT_EQ((*back)->resource_id(), event.resource_id());
  EXPECT_EQ((*back)->customer_id(), event.customer_id());
  EXPECT_EQ((*back)->to_json(), event.to_json());
}

TEST(EventJson, EveryKindOfEventReadsBackAsWritten) {
  expect_round_trip(*call_event());
  auto groupcall = std::make_shared<Groupcall>();
  groupcall->id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  groupcall->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  groupcall->call_ids = {id("3c77eb43-2098-4890-bb6c-5af0707ba4a6")};
  expect_round_trip(
      Event(EventType::groupcall_hangup, std::shared_ptr<const Groupcall>(groupcall)));
  auto conference = std::make_shared<Conference>();
  conference->id = id("0a6e9a06-9b1e-4a5c-9a0b-6cf0e0d5b0a1");
  conference->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  expect_round_trip(
      Event(EventType::conference_created, std::shared_ptr<const Conference>(conference)));
  auto participant = std::make_shared<Conferencecall>();
  participant->id = id("7f1d2c3b-4a5e-4f60-8172-839405a6b7c8");
  participant->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  participant->conference_id = conference->id;
  expect_round_trip(
      Event(EventType::conferencecall_joined, std::shared_ptr<const Conferencecall>(participant)));
}

TEST(EventJson, AnythingButTheEnvelopeOfAKnownEventIsRefused) {
  const std::string good = call_event()->to_json();
  const std::string data = good.substr(good.find(R"("data":)") + 7);
  const std::string cases[] = {
      "",
      "{}",
      "null",
      R"({"type":"call_ringing"})",
      R"({"data":{},"type":"call_ringing"})",       // another order
      R"({"type":"call_exploded","data":)" + data,  // unknown type
      R"({"type":"","data":)" + data,
      R"({"type":"call_ringing","data":{"id":1}})",  // not a call
      R"({"type":"call_ringing","data":[]})",
      R"({"type":"call_ringing","data":)" + data.substr(0, data.size() - 1),  // cut short
      good + " ",                                                             // trailing bytes
      std::string(R"({"type":"call_ringing","data":)") + '\0' + data,
  };
  for (const auto& text : cases) {
    auto read = event_from_json(text);
    EXPECT_FALSE(read.ok()) << "accepted: " << text;
  }
}

}  // namespace
}  // namespace chorus
