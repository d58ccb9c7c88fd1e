#include "model/event.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <thread>
#include <vector>

#include "model/conference_json.hpp"
#include "model/json.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;

std::shared_ptr<const Call> sample_call() {
  auto call = std::make_shared<Call>();
  call->id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  call->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  call->groupcall_id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  call->status = CallStatus::ringing;
  call->destination = Address{AddressType::endpoint, "test11@test", "", "", ""};
  return call;
}

std::shared_ptr<const Groupcall> sample_groupcall() {
  auto groupcall = std::make_shared<Groupcall>();
  groupcall->id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  groupcall->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  groupcall->call_ids = {id("3c77eb43-2098-4890-bb6c-5af0707ba4a6")};
  return groupcall;
}

TEST(Event, CallEventExposesItsSnapshot) {
  const auto call = sample_call();
  const Event e(EventType::call_ringing, call);
  EXPECT_EQ(e.type(), EventType::call_ringing);
  EXPECT_EQ(e.kind(), ResourceKind::call);
  EXPECT_EQ(e.call(), call);  // the same snapshot, not a copy
  EXPECT_EQ(e.groupcall(), nullptr);
  EXPECT_EQ(e.customer_id(), call->customer_id);
  EXPECT_EQ(e.resource_id(), call->id);
  EXPECT_EQ(e.topic(),
            "customer_id:5e4a0680-804e-11ec-8477-2fea5968d85b:call:"
            "3c77eb43-2098-4890-bb6c-5af0707ba4a6");
}

TEST(Event, GroupcallEventExposesItsSnapshot) {
  const auto groupcall = sample_groupcall();
  const Event e(EventType::groupcall_created, groupcall);
  EXPECT_EQ(e.kind(), ResourceKind::groupcall);
  EXPECT_EQ(e.groupcall(), groupcall);
  EXPECT_EQ(e.call(), nullptr);
  EXPECT_EQ(e.resource_id(), groupcall->id);
  EXPECT_EQ(e.topic(),
            "customer_id:5e4a0680-804e-11ec-8477-2fea5968d85b:groupcall:"
            "d8596b14-4d8e-4a86-afde-642b46d59ac7");
}

TEST(Event, ConferenceEventsCarryTheirSnapshotAndTopic) {
  auto conference = std::make_shared<Conference>();
  conference->id = id("1a0c5d36-5f0e-4a57-9d36-1b0f7e4d2a11");
  conference->customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  const Event c(EventType::conference_updated, conference);
  EXPECT_EQ(c.kind(), ResourceKind::conference);
  EXPECT_EQ(c.conference(), conference);
  EXPECT_EQ(c.call(), nullptr);
  EXPECT_EQ(c.resource_id(), conference->id);
  EXPECT_EQ(c.topic(),
            "customer_id:5e4a0680-804e-11ec-8477-2fea5968d85b:conference:"
            "1a0c5d36-5f0e-4a57-9d36-1b0f7e4d2a11");
  EXPECT_EQ(c.data_json(), to_json(*conference));

  auto participant = std::make_shared<Conferencecall>();
  participant->id = id("2b1d6e47-6f1f-4b68-8e47-2c1f8f5e3b22");
  participant->customer_id = conference->customer_id;
  participant->conference_id = conference->id;
  const Event p(EventType::conferencecall_joined, participant);
  EXPECT_EQ(p.kind(), ResourceKind::conferencecall);
  EXPECT_EQ(p.conferencecall(), participant);
  EXPECT_EQ(p.conference(), nullptr);
  EXPECT_EQ(p.customer_id(), participant->customer_id);
  EXPECT_EQ(p.topic(),
            "customer_id:5e4a0680-804e-11ec-8477-2fea5968d85b:conferencecall:"
            "2b1d6e47-6f1f-4b68-8e47-2c1f8f5e3b22");
  EXPECT_EQ(p.to_json(),
            R"({"type":"conferencecall_joined","data":)" + to_json(*participant) + "}");
}

TEST(Event, DataJsonIsTheSnapshotSerialisedOnce) {
  const auto call = sample_call();
  const Event e(EventType::call_ringing, call);
  const std::string& first = e.data_json();
  EXPECT_EQ(first, to_json(*call));
  EXPECT_EQ(&e.data_json(), &first);  // cached, not rebuilt
  EXPECT_EQ(*call_from_json(first), *call);
}

TEST(Event, ToJsonWrapsTypeAndData) {
  const auto groupcall = sample_groupcall();
  const Event e(EventType::groupcall_hangup, groupcall);
  const std::string json = e.to_json();
  EXPECT_EQ(json, "{\"type\":\"groupcall_hangup\",\"data\":" + to_json(*groupcall) + "}");
  rapidjson::Document document;
  document.Parse(json.c_str());
  ASSERT_TRUE(document.IsObject());
  EXPECT_STREQ(document["type"].GetString(), "groupcall_hangup");
  EXPECT_TRUE(document["data"].IsObject());
  EXPECT_STREQ(document["data"]["id"].GetString(), "d8596b14-4d8e-4a86-afde-642b46d59ac7");
}

TEST(Event, ConcurrentReadersSeeOneString) {
  const Event e(EventType::call_ringing, sample_call());
  std::vector<const std::string*> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] { seen[i] = &e.data_json(); });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string* s : seen) EXPECT_EQ(s, seen[0]);
  EXPECT_FALSE(seen[0]->empty());
}

}  // namespace
}  // namespace chorus
