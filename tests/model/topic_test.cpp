#include "model/topic.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;

const std::string customer = "5e4a0680-804e-11ec-8477-2fea5968d85b";
const std::string other_customer = "6e4a0680-804e-11ec-8477-2fea5968d85b";
const std::string call_id = "3c77eb43-2098-4890-bb6c-5af0707ba4a6";
const std::string groupcall_id = "d8596b14-4d8e-4a86-afde-642b46d59ac7";

Event call_event(const std::string& customer_id, const std::string& call) {
  auto snapshot = std::make_shared<Call>();
  snapshot->customer_id = id(customer_id);
  snapshot->id = id(call);
  return Event(EventType::call_ringing, std::shared_ptr<const Call>(snapshot));
}

Event groupcall_event(const std::string& customer_id, const std::string& groupcall) {
  auto snapshot = std::make_shared<Groupcall>();
  snapshot->customer_id = id(customer_id);
  snapshot->id = id(groupcall);
  return Event(EventType::groupcall_created, std::shared_ptr<const Groupcall>(snapshot));
}

TEST(Topic, KnownResources) {
  for (const char* r : {"call", "groupcall", "conference", "conferencecall"}) {
    EXPECT_TRUE(Topic::is_known_resource(r)) << r;
  }
  for (const char* r : {"", "calls", "Call", "agent", "extension"}) {
    EXPECT_FALSE(Topic::is_known_resource(r)) << r;
  }
}

TEST(Topic, ParsesEachLevelAndRoundTrips) {
  const Result<Topic> whole = Topic::parse("customer_id:" + customer);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(whole->customer_id(), id(customer));
  EXPECT_EQ(whole->resource(), "");
  EXPECT_FALSE(whole->resource_id());

  const Result<Topic> calls = Topic::parse("customer_id:" + customer + ":call");
  ASSERT_TRUE(calls) << calls.error().message;
  EXPECT_EQ(calls->resource(), "call");
  EXPECT_FALSE(calls->resource_id());

  const Result<Topic> one = Topic::parse("customer_id:" + customer + ":groupcall:" + groupcall_id);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->resource(), "groupcall");
  EXPECT_EQ(one->resource_id(), id(groupcall_id));

  for (const Result<Topic>* t : {&whole, &calls, &one}) {
    const Result<Topic> again = Topic::parse((*t)->to_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, **t);
  }
  EXPECT_EQ(one->to_string(), "customer_id:" + customer + ":groupcall:" + groupcall_id);
  EXPECT_FALSE(*whole == *calls);
}

TEST(Topic, ParsePrintsCanonicalUuids) {
  std::string upper = customer;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Result<Topic> t = Topic::parse("customer_id:" + upper + ":conference");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to_string(), "customer_id:" + customer + ":conference");
}

void expect_refused(const std::string& text, const std::string& rule_part) {
  const Result<Topic> t = Topic::parse(text, "topics[2]");
  ASSERT_FALSE(t) << text;
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument) << text;
  EXPECT_EQ(t.error().field, "topics[2]") << text;
  EXPECT_EQ(t.error().message.rfind("topics[2]: ", 0), 0u) << t.error().message;
  EXPECT_NE(t.error().message.find(rule_part), std::string::npos)
      << text << " -> " << t.error().message;
}

TEST(Topic, RefusalsNameTheFieldAndRule) {
  const std::string format = "must be customer_id:<customer>[:<resource>[:<resource_id>]]";
  expect_refused("", format);
  expect_refused("customer_id", format);
  expect_refused("customer:" + customer, format);
  expect_refused(customer, format);
  expect_refused("customer_id:" + customer + ":call:" + call_id + ":extra", format);
  expect_refused("customer_id:" + customer + ":", format);
  expect_refused("customer_id:" + customer + "::" + call_id, format);
  expect_refused("customer_id:not-a-uuid", "must be a UUID");
  expect_refused("customer_id::call", "must be a UUID");
  expect_refused("customer_id:" + customer + ":agent", "unknown resource \"agent\"");
  expect_refused("customer_id:" + customer + ":Call", "unknown resource \"Call\"");
  expect_refused("customer_id:" + customer + ":call:123", "must be a UUID");
  expect_refused("customer_id:" + customer + ":call:", "must be a UUID");
}

// Found by fuzz_topic: refusals quoted the offending part whatever it held, so a
// client's NUL bytes, invalid UTF-8 or megabytes came back in the error.
TEST(Topic, RefusalsNeverEchoRawBytesOrLongParts) {
  const std::string bad_parts[] = {customer + std::string(24, '\0'), "not\xff\xfe-a-uuid",
                                   std::string(100000, 'x')};
  for (const std::string& part : bad_parts) {
    for (const std::string& text : {"customer_id:" + part, "customer_id:" + customer + ":" + part,
                                    "customer_id:" + customer + ":call:" + part}) {
      const Result<Topic> t = Topic::parse(text);
      ASSERT_FALSE(t);
      EXPECT_LT(t.error().message.size(), 200u);
      for (const char c : t.error().message) {
        EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << "byte " << int(static_cast<unsigned char>(c));
      }
    }
  }
}

TEST(Topic, DefaultFieldNameIsTopic) {
  const Result<Topic> t = Topic::parse("nope");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field, "topic");
}

TEST(Topic, CustomerLevelMatchesEveryResourceOfThatCustomer) {
  const Topic t = *Topic::parse("customer_id:" + customer);
  EXPECT_TRUE(t.matches(call_event(customer, call_id)));
  EXPECT_TRUE(t.matches(groupcall_event(customer, groupcall_id)));
  EXPECT_FALSE(t.matches(call_event(other_customer, call_id)));
  EXPECT_TRUE(t.matches(id(customer), "conference", id(call_id)));
}

TEST(Topic, ResourceLevelMatchesOnlyThatResource) {
  const Topic t = *Topic::parse("customer_id:" + customer + ":call");
  EXPECT_TRUE(t.matches(call_event(customer, call_id)));
  EXPECT_TRUE(t.matches(call_event(customer, groupcall_id)));
  EXPECT_FALSE(t.matches(groupcall_event(customer, groupcall_id)));
  EXPECT_FALSE(t.matches(call_event(other_customer, call_id)));
  EXPECT_FALSE(t.matches(id(customer), "conferencecall", id(call_id)));
}

TEST(Topic, IdLevelMatchesOnlyThatResourceId) {
  const Topic t = *Topic::parse("customer_id:" + customer + ":groupcall:" + groupcall_id);
  EXPECT_TRUE(t.matches(groupcall_event(customer, groupcall_id)));
  EXPECT_FALSE(t.matches(groupcall_event(customer, call_id)));
  EXPECT_FALSE(t.matches(call_event(customer, groupcall_id)));  // same id, other resource
  EXPECT_FALSE(t.matches(groupcall_event(other_customer, groupcall_id)));
}

TEST(Topic, MatchesAnEventsOwnTopic) {
  const Event e = call_event(customer, call_id);
  const Result<Topic> t = Topic::parse(e.topic());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->matches(e));
}

}  // namespace
}  // namespace chorus
