// Every model enum both ways, its refusals, and the error factories.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "model/address.hpp"
#include "model/call.hpp"
#include "model/directory_entry.hpp"
#include "model/error.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

using test_support::expect_both_ways;

// Strings no enum accepts: wrong case, padding, near misses.
template <class Parse>
void expect_refused(Parse parse, std::vector<std::string_view> extra) {
  extra.insert(extra.end(), {"unknown", " ", "null", "RING_ALL", "Tel", "hangup ", "ringall"});
  for (std::string_view text : extra) EXPECT_FALSE(parse(text)) << '"' << text << '"';
}

TEST(Enums, AddressType) {
  expect_both_ways<AddressType>({{AddressType::tel, "tel"},
                                 {AddressType::endpoint, "endpoint"},
                                 {AddressType::sip, "sip"},
                                 {AddressType::extension, "extension"},
                                 {AddressType::agent, "agent"}},
                                parse_address_type);
  // No unset enumerator: "" is not an address type.
  expect_refused(parse_address_type, {"", "TEL", "phone"});
}

TEST(Enums, CallStatus) {
  expect_both_ways<CallStatus>({{CallStatus::dialing, "dialing"},
                                {CallStatus::ringing, "ringing"},
                                {CallStatus::progressing, "progressing"},
                                {CallStatus::terminating, "terminating"},
                                {CallStatus::canceling, "canceling"},
                                {CallStatus::hangup, "hangup"}},
                               parse_call_status);
  expect_refused(parse_call_status, {"", "cancelling", "Dialing"});
}

TEST(Enums, CallDirection) {
  expect_both_ways<CallDirection>({{CallDirection::unset, ""},
                                   {CallDirection::incoming, "incoming"},
                                   {CallDirection::outgoing, "outgoing"}},
                                  parse_call_direction);
  expect_refused(parse_call_direction, {"unset", "in", "OUTGOING"});
}

TEST(Enums, HangupBy) {
  expect_both_ways<HangupBy>(
      {{HangupBy::unset, ""}, {HangupBy::local, "local"}, {HangupBy::remote, "remote"}},
      parse_hangup_by);
  expect_refused(parse_hangup_by, {"unset", "Local"});
}

TEST(Enums, HangupReason) {
  expect_both_ways<HangupReason>({{HangupReason::unset, ""},
                                  {HangupReason::normal, "normal"},
                                  {HangupReason::failed, "failed"},
                                  {HangupReason::busy, "busy"},
                                  {HangupReason::cancel, "cancel"},
                                  {HangupReason::timeout, "timeout"},
                                  {HangupReason::noanswer, "noanswer"},
                                  {HangupReason::dialout, "dialout"},
                                  {HangupReason::amd, "amd"}},
                                 parse_hangup_reason);
  expect_refused(parse_hangup_reason, {"unset", "no_answer", "canceled"});
}

TEST(Enums, GroupcallStatus) {
  expect_both_ways<GroupcallStatus>({{GroupcallStatus::progressing, "progressing"},
                                     {GroupcallStatus::hangingup, "hangingup"},
                                     {GroupcallStatus::hangup, "hangup"}},
                                    parse_groupcall_status);
  expect_refused(parse_groupcall_status, {"", "hanging_up", "dialing"});
}

TEST(Enums, RingMethod) {
  expect_both_ways<RingMethod>(
      {{RingMethod::unset, ""}, {RingMethod::ring_all, "ring_all"}, {RingMethod::linear, "linear"}},
      parse_ring_method);
  expect_refused(parse_ring_method, {"unset", "ringall", "Linear"});
  EXPECT_EQ(effective(RingMethod::unset), RingMethod::ring_all);
  EXPECT_EQ(effective(RingMethod::linear), RingMethod::linear);
}

TEST(Enums, AnswerMethod) {
  expect_both_ways<AnswerMethod>(
      {{AnswerMethod::unset, ""}, {AnswerMethod::hangup_others, "hangup_others"}},
      parse_answer_method);
  expect_refused(parse_answer_method, {"unset", "hangup-others"});
  EXPECT_EQ(effective(AnswerMethod::unset), AnswerMethod::hangup_others);
}

TEST(Enums, EventType) {
  expect_both_ways<EventType>({{EventType::call_created, "call_created"},
                               {EventType::call_dialing, "call_dialing"},
                               {EventType::call_ringing, "call_ringing"},
                               {EventType::call_progressing, "call_progressing"},
                               {EventType::call_terminating, "call_terminating"},
                               {EventType::call_canceling, "call_canceling"},
                               {EventType::call_hangup, "call_hangup"},
                               {EventType::groupcall_created, "groupcall_created"},
                               {EventType::groupcall_progressing, "groupcall_progressing"},
                               {EventType::groupcall_hangup, "groupcall_hangup"},
                               {EventType::groupcall_deleted, "groupcall_deleted"},
                               {EventType::call_updated, "call_updated"},
                               {EventType::call_deleted, "call_deleted"},
                               {EventType::conference_created, "conference_created"},
                               {EventType::conference_updated, "conference_updated"},
                               {EventType::conference_deleted, "conference_deleted"},
                               {EventType::conferencecall_joining, "conferencecall_joining"},
                               {EventType::conferencecall_joined, "conferencecall_joined"},
                               {EventType::conferencecall_leaving, "conferencecall_leaving"},
                               {EventType::conferencecall_leaved, "conferencecall_leaved"}},
                              parse_event_type);
  expect_refused(parse_event_type, {"", "call", "call_answered", "conferencecall_left"});
  EXPECT_EQ(to_string(ResourceKind::call), "call");
  EXPECT_EQ(to_string(ResourceKind::groupcall), "groupcall");
  EXPECT_EQ(to_string(ResourceKind::conference), "conference");
  EXPECT_EQ(to_string(ResourceKind::conferencecall), "conferencecall");
}

TEST(Enums, EventForConferencecallStatus) {
  EXPECT_EQ(event_for(ConferencecallStatus::joining), EventType::conferencecall_joining);
  EXPECT_EQ(event_for(ConferencecallStatus::joined), EventType::conferencecall_joined);
  EXPECT_EQ(event_for(ConferencecallStatus::leaving), EventType::conferencecall_leaving);
  EXPECT_EQ(event_for(ConferencecallStatus::leaved), EventType::conferencecall_leaved);
  EXPECT_EQ(call_status_of(EventType::call_updated), std::nullopt);
  EXPECT_EQ(call_status_of(EventType::conferencecall_joined), std::nullopt);
}

TEST(Enums, EventForCallStatus) {
  EXPECT_EQ(event_for(CallStatus::dialing), EventType::call_dialing);
  EXPECT_EQ(event_for(CallStatus::ringing), EventType::call_ringing);
  EXPECT_EQ(event_for(CallStatus::progressing), EventType::call_progressing);
  EXPECT_EQ(event_for(CallStatus::terminating), EventType::call_terminating);
  EXPECT_EQ(event_for(CallStatus::canceling), EventType::call_canceling);
  EXPECT_EQ(event_for(CallStatus::hangup), EventType::call_hangup);
}

TEST(Errors, CodeNames) {
  EXPECT_EQ(to_string(ErrorCode::invalid_argument), "invalid_argument");
  EXPECT_EQ(to_string(ErrorCode::not_found), "not_found");
  EXPECT_EQ(to_string(ErrorCode::conflict), "conflict");
  EXPECT_EQ(to_string(ErrorCode::limit_exceeded), "limit_exceeded");
  EXPECT_EQ(to_string(ErrorCode::unavailable), "unavailable");
}

TEST(Errors, Factories) {
  const Error invalid =
      Error::invalid("destinations[0].type", "must be one of tel, endpoint, sip, extension, agent");
  EXPECT_EQ(invalid.code, ErrorCode::invalid_argument);
  EXPECT_EQ(invalid.field, "destinations[0].type");
  EXPECT_EQ(invalid.message,
            "destinations[0].type: must be one of tel, endpoint, sip, extension, agent");

  const Error missing = Error::not_found("groupcall 1234");
  EXPECT_EQ(missing.code, ErrorCode::not_found);
  EXPECT_EQ(missing.field, "");
  EXPECT_EQ(missing.message, "groupcall 1234 not found");

  const Error conflict = Error::conflict("groupcall is hangup");
  EXPECT_EQ(conflict.code, ErrorCode::conflict);
  EXPECT_EQ(conflict.message, "groupcall is hangup");

  const Error limit = Error::limit("destinations", "destinations: at most 3 destinations");
  EXPECT_EQ(limit.code, ErrorCode::limit_exceeded);
  EXPECT_EQ(limit.field, "destinations");
  EXPECT_EQ(limit.message, "destinations: at most 3 destinations");

  const Error stopping = Error::unavailable("engine is stopping");
  EXPECT_EQ(stopping.code, ErrorCode::unavailable);
  EXPECT_EQ(stopping.message, "engine is stopping");
}

TEST(Errors, InvalidWithoutFieldIsJustTheRule) {
  const Error e = Error::invalid("", "must be a JSON object");
  EXPECT_EQ(e.field, "");
  EXPECT_EQ(e.message, "must be a JSON object");
}

TEST(Errors, StatusAndResultCarryTheError) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  const Status failed = Error::conflict("no");
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "no");
  const Result<int> value = 3;
  EXPECT_EQ(*value, 3);
  const Result<int> error = Error::not_found("x");
  EXPECT_FALSE(error);
  EXPECT_EQ(error.error().code, ErrorCode::not_found);
}

TEST(ValidateDestination, AcceptsEveryTypeWithATarget) {
  for (AddressType type : {AddressType::tel, AddressType::endpoint, AddressType::sip,
                           AddressType::extension, AddressType::agent}) {
    Address address;
    address.type = type;
    address.target = "x";
    EXPECT_TRUE(validate_destination(address, "destinations[0]")) << to_string(type);
  }
}

TEST(ValidateDestination, RefusesEmptyTarget) {
  for (AddressType type :
       {AddressType::tel, AddressType::endpoint, AddressType::sip, AddressType::agent}) {
    Address address;
    address.type = type;
    address.target_name = "Alice";  // only an extension may be dialled by target_name
    const Status status = validate_destination(address, "destinations[3]");
    ASSERT_FALSE(status) << to_string(type);
    EXPECT_EQ(status.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(status.error().field, "destinations[3].target");
    EXPECT_EQ(status.error().message, "destinations[3].target: must not be empty");
  }
}

TEST(ValidateDestination, ExtensionMayBeDialledByTargetName) {
  Address address;
  address.type = AddressType::extension;
  address.target_name = "2001";
  EXPECT_TRUE(validate_destination(address, "destinations[0]"));
  address.target_name = Text();
  const Status status = validate_destination(address, "destinations[0]");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "destinations[0].target");
}

TEST(ValidateDestination, RefusesATypeOutsideTheEnum) {
  Address address;
  address.type = static_cast<AddressType>(42);
  address.target = "x";
  const Status status = validate_destination(address, "destinations[1]");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "destinations[1].type");
  EXPECT_EQ(status.error().message,
            "destinations[1].type: must be one of tel, endpoint, sip, extension, agent, "
            "ring_group, instant_group_call");
}

TEST(Equality, MemberwiseForEveryModelType) {
  Groupcall g1, g2;
  EXPECT_EQ(g1, g2);
  g2.dial_index = 1;
  EXPECT_NE(g1, g2);
  g2 = g1;
  g2.destinations.push_back(Address{});
  EXPECT_NE(g1, g2);

  Call c1, c2;
  EXPECT_EQ(c1, c2);
  c2.tm_ringing = Timestamp::from_micros(0);
  EXPECT_NE(c1, c2);

  Agent a1, a2;
  EXPECT_EQ(a1, a2);
  a2.ring_method = RingMethod::linear;
  EXPECT_NE(a1, a2);

  Extension e1, e2;
  EXPECT_EQ(e1, e2);
  e2.extension = "2001";
  EXPECT_NE(e1, e2);
}

}  // namespace
}  // namespace chorus
