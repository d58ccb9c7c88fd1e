// The VoIPbin Groupcall examples from the reference documents, decoded and re-encoded.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "model/json.hpp"
#include "tests/model/test_support.hpp"

namespace chorus {
namespace {

class ReferenceGroupcall : public ::testing::TestWithParam<const char*> {};

TEST_P(ReferenceGroupcall, DecodesAndReEncodesEveryFieldItHas) {
  const std::string example = test_support::read_data_file(GetParam());
  ASSERT_FALSE(example.empty());
  const Result<Groupcall> decoded = groupcall_from_json(example);
  ASSERT_TRUE(decoded) << decoded.error().message;

  rapidjson::Document original;
  original.Parse(example.c_str());
  ASSERT_TRUE(original.IsObject());
  const std::string encoded = to_json(*decoded);
  rapidjson::Document again;
  again.Parse(encoded.c_str());
  ASSERT_TRUE(again.IsObject()) << encoded;

  // Every field the example has must come back with an equal JSON value; the encoding
  // may add fields VoIPbin's short form leaves out.
  int compared = 0;
  for (const auto& member : original.GetObject()) {
    const std::string name = member.name.GetString();
    ASSERT_TRUE(again.HasMember(member.name)) << name;
    EXPECT_TRUE(again[member.name] == member.value) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 11);

  const Result<Groupcall> round_trip = groupcall_from_json(encoded);
  ASSERT_TRUE(round_trip) << round_trip.error().message;
  EXPECT_EQ(*round_trip, *decoded);
}

TEST_P(ReferenceGroupcall, DecodedValuesMeanWhatTheDocumentSays) {
  const Result<Groupcall> g = groupcall_from_json(test_support::read_data_file(GetParam()));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->id.to_string(), "d8596b14-4d8e-4a86-afde-642b46d59ac7");
  EXPECT_EQ(g->customer_id.to_string(), "5e4a0680-804e-11ec-8477-2fea5968d85b");
  EXPECT_EQ(g->source.type, AddressType::tel);
  ASSERT_EQ(g->destinations.size(), 2u);
  EXPECT_EQ(g->destinations[1].type, AddressType::endpoint);
  EXPECT_EQ(g->destinations[1].target, "test12@test");
  EXPECT_EQ(g->ring_method, RingMethod::unset);
  EXPECT_EQ(effective(g->ring_method), RingMethod::ring_all);
  EXPECT_EQ(g->answer_method, AnswerMethod::unset);
  EXPECT_TRUE(g->answer_call_id.is_zero());
  ASSERT_EQ(g->call_ids.size(), 1u);
  EXPECT_EQ(g->call_ids[0].to_string(), "3c77eb43-2098-4890-bb6c-5af0707ba4a6");
  EXPECT_TRUE(g->tm_create.is_set());
  EXPECT_EQ(g->tm_create.to_string(), "2023-04-21 15:33:28.569053");
  EXPECT_FALSE(g->tm_update.is_set());
  EXPECT_FALSE(g->tm_delete.is_set());
  // Fields the example leaves out keep their defaults.
  EXPECT_EQ(g->status, GroupcallStatus::progressing);
  EXPECT_EQ(g->ring_timeout, Groupcall::default_ring_timeout);
}

INSTANTIATE_TEST_SUITE_P(Examples, ReferenceGroupcall,
                         ::testing::Values("reference/groupcall_short.json",
                                           "reference/groupcall_long.json"));

}  // namespace
}  // namespace chorus
