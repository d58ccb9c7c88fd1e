// What crosses NATS between a conference and a participant on different nodes
// (transport/cluster/conference_messages.hpp): every request and answer comes back
// whole, and whatever is not one of them (too large, not JSON, not a UUID, an op
// or a news nobody sends, a value of the wrong type, a participant nobody asked
// for) is refused.

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "model/conference_json.hpp"
#include "model/timestamp.hpp"
#include "transport/cluster/conference_messages.hpp"

namespace chorus::test {
namespace {

const Uuid customer = *Uuid::parse("5e4a0e3e-2b7b-4f3c-9d5a-1c2e3f4a5b6c");
const Uuid conference = *Uuid::parse("0b2f6c1a-8d3e-4f5a-9b6c-7d8e9f0a1b2c");
const Uuid call = *Uuid::parse("c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f");
const Uuid participant_id = *Uuid::parse("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");

const RemoteSeat asked{customer, conference, call, participant_id};

Conferencecall participant() {
  Conferencecall c;
  c.id = participant_id;
  c.customer_id = customer;
  c.conference_id = conference;
  c.reference_id = call;
  c.status = ConferencecallStatus::joining;
  c.tm_create = c.tm_update = *Timestamp::parse("2024-05-01 12:00:00.000000");
  return c;
}

// A request's text with `member` replaced by `value` (raw JSON) or, when `value`
// is empty, left out.
std::string seat_with(const std::string& member, const std::string& value) {
  const std::vector<std::pair<std::string, std::string>> members = {
      {"op", R"("seat")"},
      {"customer_id", '"' + customer.to_string() + '"'},
      {"conference_id", '"' + conference.to_string() + '"'},
      {"call_id", '"' + call.to_string() + '"'},
      {"conferencecall_id", '"' + participant_id.to_string() + '"'},
  };
  std::string text = "{";
  for (const auto& [name, original] : members) {
    const std::string& v = name == member ? value : original;
    if (v.empty()) continue;
    if (text.size() > 1) text += ',';
    text += '"' + name + "\":" + v;
  }
  return text + "}";
}

TEST(ConferenceMessages, ASeatRequestComesBackWhole) {
  auto back = decode_conference_request(encode_conference_request(asked));
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto* seat = std::get_if<RemoteSeat>(&*back);
  ASSERT_NE(seat, nullptr);
  EXPECT_EQ(seat->customer_id, customer);
  EXPECT_EQ(seat->conference_id, conference);
  EXPECT_EQ(seat->call_id, call);
  EXPECT_EQ(seat->conferencecall_id, participant_id);
}

TEST(ConferenceMessages, NewsOfEitherKindComesBackWhole) {
  for (ParticipantNews kind : {ParticipantNews::joined, ParticipantNews::left}) {
    auto back = decode_conference_request(
        encode_conference_request(ConferenceNews{conference, participant_id, kind}));
    ASSERT_TRUE(back.ok()) << back.error().message;
    const auto* news = std::get_if<ConferenceNews>(&*back);
    ASSERT_NE(news, nullptr);
    EXPECT_EQ(news->conference_id, conference);
    EXPECT_EQ(news->conferencecall_id, participant_id);
    EXPECT_EQ(news->news, kind);
  }
}

TEST(ConferenceMessages, AnEndComesBackWhole) {
  auto back = decode_conference_request(encode_conference_request(ParticipantEnd{participant_id}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto* end = std::get_if<ParticipantEnd>(&*back);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->conferencecall_id, participant_id);
}

TEST(ConferenceMessages, AJoinComesBackWholeAndItsAnswerNamesTheCallNotAnId) {
  auto back =
      decode_conference_request(encode_conference_request(RemoteJoin{customer, conference, call}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto* join = std::get_if<RemoteJoin>(&*back);
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->customer_id, customer);
  EXPECT_EQ(join->conference_id, conference);
  EXPECT_EQ(join->call_id, call);

  // The conference picks the participant's id; everything else must be the join's.
  const RemoteSeat joined{customer, conference, call, Uuid()};
  auto seated = decode_seat_answer(encode_seat_answer(participant()), joined);
  ASSERT_TRUE(seated.ok()) << seated.error().message;
  EXPECT_EQ(seated->participant->id, participant_id);
  const RemoteSeat other_call{customer, conference, Uuid::generate(), Uuid()};
  EXPECT_FALSE(decode_seat_answer(encode_seat_answer(participant()), other_call).ok());
}

TEST(ConferenceMessages, ASeatedParticipantComesBackWhole) {
  auto back = decode_seat_answer(encode_seat_answer(participant()), asked);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->participant.ok()) << back->participant.error().message;
  EXPECT_EQ(*back->participant, participant());
}

TEST(ConferenceMessages, TheEnginesRefusalComesBackWithItsCodeMessageAndField) {
  const std::vector<Error> refusals = {
      Error::conflict("call c3d4 is in a conference already"),
      Error::not_found("call"),
      Error::invalid("reference_id", "must be a call of yours"),
      Error::unavailable("the engine is stopping"),
  };
  for (const Error& refusal : refusals) {
    auto back = decode_seat_answer(encode_seat_answer(refusal), asked);
    ASSERT_TRUE(back.ok()) << back.error().message;
    ASSERT_FALSE(back->participant.ok());
    EXPECT_EQ(back->participant.error().code, refusal.code);
    EXPECT_EQ(back->participant.error().message, refusal.message);
    EXPECT_EQ(back->participant.error().field, refusal.field);
  }
}

TEST(ConferenceMessages, AnAcknowledgementIsOne) {
  EXPECT_TRUE(decode_ack(encode_ack()).ok());
  EXPECT_FALSE(decode_ack(R"({"ack":false})").ok());
  EXPECT_FALSE(decode_ack(R"({"ack":"true"})").ok());
  EXPECT_FALSE(decode_ack("{}").ok());
  EXPECT_FALSE(decode_ack("true").ok());
}

TEST(ConferenceMessages, WhatIsNotARequestIsRefused) {
  const std::string end =
      R"({"op":"end","conferencecall_id":")" + participant_id.to_string() + "\"";
  const std::string news = R"({"op":"news","conference_id":")" + conference.to_string() +
                           R"(","conferencecall_id":")" + participant_id.to_string() + "\"";
  const std::vector<std::string> refused = {
      "",
      "not json",
      "[]",
      R"("seat")",
      "{" + std::string(70000, ' ') + "}",                // larger than any request
      std::string(30000, '[') + std::string(30000, ']'),  // nested past any request
      end,                                                // cut short
      seat_with("op", ""),                                // no op
      seat_with("op", R"("sit")"),
      seat_with("op", "1"),
      seat_with("customer_id", ""),  // each id is needed
      seat_with("conference_id", ""),
      seat_with("call_id", ""),
      seat_with("conferencecall_id", ""),
      seat_with("call_id", R"("c3d4e5f6")"),
      seat_with("call_id", R"("c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6g")"),
      seat_with("call_id", R"("00000000-0000-0000-0000-000000000000")"),
      seat_with("call_id", "42"),
      seat_with("call_id", "null"),
      seat_with("conference_id", R"(["0b2f6c1a-8d3e-4f5a-9b6c-7d8e9f0a1b2c"])"),
      news + "}",  // no news
      news + R"(,"news":"kicked"})",
      news + R"(,"news":"Joined"})",
      news + R"(,"news":1})",
      R"({"op":"end","conferencecall_id":"\ud800"})",
  };
  for (const auto& text : refused) {
    EXPECT_FALSE(decode_conference_request(text).ok()) << text.substr(0, 200);
  }
  EXPECT_TRUE(decode_conference_request(seat_with("", "")).ok());
  EXPECT_TRUE(decode_conference_request(end + "}").ok());
  EXPECT_TRUE(decode_conference_request(news + R"(,"news":"left"})").ok());
}

TEST(ConferenceMessages, WhatIsNotASeatsAnswerIsRefused) {
  Conferencecall someone_else = participant();
  someone_else.id = Uuid::generate();
  Conferencecall other_call = participant();
  other_call.reference_id = Uuid::generate();
  Conferencecall other_customer = participant();
  other_customer.customer_id = Uuid::generate();
  Conferencecall other_conference = participant();
  other_conference.conference_id = Uuid::generate();
  const std::string error = R"({"error":{"code":"conflict","message":"busy","field":""}})";
  const std::vector<std::string> refused = {
      "",
      "{}",
      "{" + std::string(70000, ' ') + "}",
      encode_seat_answer(someone_else),
      encode_seat_answer(other_call),
      encode_seat_answer(other_customer),
      encode_seat_answer(other_conference),
      R"({"conferencecall":{}})",  // not the participant asked for
      R"({"conferencecall":"seated"})",
      R"({"conferencecall":{"id":42}})",
      R"({"conferencecall":{"status":"sitting"}})",
      R"({"error":{"code":"busy","message":"busy"}})",  // no such engine error
      R"({"error":{"code":"CONFLICT","message":"busy"}})",
      R"({"error":{"message":"busy"}})",
      R"({"error":{"code":"conflict"}})",
      R"({"error":{"code":7,"message":"busy"}})",
      R"({"error":{"code":"conflict","message":["busy"]}})",
      R"({"error":{"code":"conflict","message":"busy","field":false}})",
      R"({"error":{"code":"conflict","message":"\udc00"}})",
      R"({"error":"conflict"})",
      // Either, never both.
      R"({"error":{"code":"conflict","message":"busy"},"conferencecall":)" +
          to_json(participant()) + "}",
  };
  for (const auto& text : refused) {
    EXPECT_FALSE(decode_seat_answer(text, asked).ok()) << text.substr(0, 200);
  }
  EXPECT_TRUE(decode_seat_answer(error, asked).ok());
}

}  // namespace
}  // namespace chorus::test
