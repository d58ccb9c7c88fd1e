// The native extensions of VoIPbin's groupcall for ring groups (issue 16): an
// address's delay and timeout, a groupcall's repeats, fail_on_single_reject and
// failover, the ring_group destination type, extension groups and missed calls.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/field_limits.hpp"
#include "model/json.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::id;
using test_support::status_of;

Address tel(std::string target) {
  Address a;
  a.type = AddressType::tel;
  a.target = std::move(target);
  return a;
}

void expect_refused(const Status& status, const std::string& field, const std::string& rule) {
  ASSERT_FALSE(status) << field;
  EXPECT_EQ(status.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(status.error().field, field);
  EXPECT_EQ(status.error().message, field + ": " + rule);
}

TEST(RingExtensionsJson, PlainAddressStaysVoipbinExact) {
  EXPECT_EQ(to_json(tel("+1")),
            R"({"type":"tel","target":"+1","target_name":"","name":"","detail":""})");
}

TEST(RingExtensionsJson, AddressWritesDelayAndTimeoutOnlyWhenSet) {
  Address a = tel("+1");
  a.delay = 5;
  EXPECT_EQ(to_json(a),
            R"({"type":"tel","target":"+1","target_name":"","name":"","detail":"","delay":5})");
  a.delay = 0;
  a.timeout = 3600;
  EXPECT_EQ(
      to_json(a),
      R"({"type":"tel","target":"+1","target_name":"","name":"","detail":"","timeout":3600})");
  a.delay = 12;
  const Result<Address> back = address_from_json(to_json(a));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  EXPECT_EQ(back->delay, 12);
  EXPECT_EQ(back->timeout, 3600);
}

TEST(RingExtensionsJson, DelayAndTimeoutRefusalsNameTheField) {
  const std::string range = "must be from 0 to 3600";
  expect_refused(status_of(address_from_json(R"({"delay":-1})")), "delay", range);
  expect_refused(status_of(address_from_json(R"({"timeout":3601})")), "timeout", range);
  expect_refused(status_of(address_from_json(R"({"timeout":"20"})")), "timeout",
                 "must be a 32-bit integer");
  expect_refused(status_of(address_from_json(R"({"delay":1.5})")), "delay",
                 "must be a 32-bit integer");
  expect_refused(status_of(groupcall_from_json(
                     R"({"destinations":[{"target":"1"},{"target":"2","timeout":9999}]})")),
                 "destinations[1].timeout", range);
  expect_refused(status_of(groupcall_from_json(R"({"source":{"delay":-5}})")), "source.delay",
                 range);
}

TEST(RingExtensionsJson, GroupcallAlwaysWritesRepeatsRejectAndFailover) {
  const std::string json = to_json(Groupcall{});
  EXPECT_NE(json.find(R"("repeats":0,"fail_on_single_reject":false,)"
                      R"("failover":{"dest":"","value":""})"),
            std::string::npos)
      << json;
}

TEST(RingExtensionsJson, GroupcallExtensionsRoundTrip) {
  Groupcall g;
  g.id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  g.ring_method = RingMethod::memory_hunt;
  g.repeats = 3;
  g.fail_on_single_reject = true;
  g.failover = Failover{"external_num", "9+15550001"};
  Address member = tel("+15550002");
  member.delay = 10;
  member.timeout = 25;
  Address group;
  group.type = AddressType::ring_group;
  group.target = "6300";
  g.destinations = {member, group};
  const std::string json = to_json(g);
  EXPECT_NE(json.find(R"("ring_method":"memory_hunt")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("type":"ring_group","target":"6300")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("failover":{"dest":"external_num","value":"9+15550001"})"),
            std::string::npos)
      << json;
  const Result<Groupcall> back = groupcall_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, g);
}

TEST(RingExtensionsJson, GroupcallExtensionRefusalsNameTheField) {
  expect_refused(status_of(groupcall_from_json(R"({"repeats":"2"})")), "repeats",
                 "must be a 32-bit integer");
  expect_refused(status_of(groupcall_from_json(R"({"fail_on_single_reject":1})")),
                 "fail_on_single_reject", "must be true or false");
  expect_refused(status_of(groupcall_from_json(R"({"failover":"end_call"})")), "failover",
                 "must be an object");
  expect_refused(status_of(groupcall_from_json(R"({"failover":{"dest":"x","value":7}})")),
                 "failover.value", "must be a string");
  expect_refused(status_of(groupcall_from_json(R"({"ring_method":"random"})")), "ring_method",
                 "must be one of ring_all, linear, memory_hunt");
}

ExtensionGroup full_extension_group() {
  ExtensionGroup g;
  g.id = id("eeeeeeee-1111-4000-8000-000000000001");
  g.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  g.name = "sales";
  g.extensions = {"2001", "eeeeeeee-0000-4000-8000-000000000001"};
  g.tm_create = Timestamp::from_micros(1682091208569053);
  g.tm_update = Timestamp::from_micros(1682091208569054);
  return g;
}

TEST(RingExtensionsJson, ExtensionGroupRoundTripsInVoipbinStyle) {
  const ExtensionGroup g = full_extension_group();
  const std::string json = to_json(g);
  EXPECT_EQ(json,
            R"({"id":"eeeeeeee-1111-4000-8000-000000000001",)"
            R"("customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b","name":"sales",)"
            R"("extensions":["2001","eeeeeeee-0000-4000-8000-000000000001"],)"
            R"("tm_create":"2023-04-21 15:33:28.569053","tm_update":"2023-04-21 15:33:28.569054",)"
            R"("tm_delete":"9999-01-01 00:00:00.000000"})");
  const Result<ExtensionGroup> back = extension_group_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, g);
  EXPECT_EQ(*extension_group_from_json(to_json(ExtensionGroup{})), ExtensionGroup{});
}

TEST(RingExtensionsJson, ExtensionGroupRefusalsNameTheField) {
  auto decode = [](const std::string& json) { return status_of(extension_group_from_json(json)); };
  expect_refused(decode(R"({"extensions":"2001"})"), "extensions", "must be an array");
  expect_refused(decode(R"({"extensions":["2001",2002]})"), "extensions[1]", "must be a string");
  expect_refused(decode(R"({"extensions":["2001","a\u0000b"]})"), "extensions[1]",
                 "must not contain U+0000");
  expect_refused(decode(R"({"extensions":[")" + std::string(65, '1') + R"("]})"), "extensions[0]",
                 "must be at most 64 bytes");
  std::string many = R"({"extensions":[)";
  for (std::size_t i = 0; i <= field_limits::extension_group_members; ++i) {
    many += i == 0 ? R"("1")" : R"(,"1")";
  }
  many += "]}";
  const Status too_many = decode(many);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().field, "extensions");
  expect_refused(decode(R"({"name":7})"), "name", "must be a string");
}

TEST(RingExtensionsJson, MissedCallRoundTripsInVoipbinStyle) {
  MissedCall m;
  m.id = id("00000000-0000-4000-8000-000000000009");
  m.customer_id = id("5e4a0680-804e-11ec-8477-2fea5968d85b");
  m.extension_id = id("eeeeeeee-0000-4000-8000-000000000001");
  m.ring_group_id = 7;
  m.groupcall_id = id("d8596b14-4d8e-4a86-afde-642b46d59ac7");
  m.master_call_id = id("3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  m.source = tel("+15551234567");
  m.tm_create = Timestamp::from_micros(1682091208569053);
  const std::string json = to_json(m);
  EXPECT_EQ(json, R"({"id":"00000000-0000-4000-8000-000000000009",)"
                  R"("customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b",)"
                  R"("extension_id":"eeeeeeee-0000-4000-8000-000000000001","ring_group_id":7,)"
                  R"("groupcall_id":"d8596b14-4d8e-4a86-afde-642b46d59ac7",)"
                  R"("master_call_id":"3c77eb43-2098-4890-bb6c-5af0707ba4a6",)"
                  R"("source":{"type":"tel","target":"+15551234567","target_name":"","name":"",)"
                  R"("detail":""},"tm_create":"2023-04-21 15:33:28.569053"})");
  const Result<MissedCall> back = missed_call_from_json(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, m);
  expect_refused(status_of(missed_call_from_json(R"({"ring_group_id":"7"})")), "ring_group_id",
                 "must be a 32-bit integer");
}

TEST(RingExtensionsValidate, DelayAndTimeoutWithinAnHour) {
  Address a = tel("+1");
  a.delay = 3600;
  a.timeout = 1;
  EXPECT_TRUE(validate_destination(a, "destinations[0]"));
  a.delay = -1;
  expect_refused(validate_destination(a, "destinations[2]"), "destinations[2].delay",
                 "must be from 0 to 3600");
  a.delay = 0;
  a.timeout = 3601;
  expect_refused(validate_destination(a, "destinations[2]"), "destinations[2].timeout",
                 "must be from 0 to 3600");
}

TEST(RingExtensionsValidate, RingGroupIsDialledByItsNumber) {
  Address a;
  a.type = AddressType::ring_group;
  a.target = "6300";
  EXPECT_TRUE(validate_destination(a, "destinations[0]"));
  const std::string rule = "must be a ring group's number (digits)";
  for (const char* bad : {"", "63a0", "+6300", " 6300"}) {
    a.target = bad;
    a.target_name = "6300";  // unlike an extension, target_name does not stand in
    expect_refused(validate_destination(a, "destinations[1]"), "destinations[1].target", rule);
  }
}

}  // namespace
}  // namespace chorus
