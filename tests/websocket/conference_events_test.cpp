// Conference events over the WebSocket gateway: a topic's resource level keeps
// conference_* and conferencecall_* apart (one is not a prefix of the other), a
// participant's four events arrive in order, and a call's joining a conference is
// announced on its own topic as call_updated with conference_id set.

#include <gtest/gtest.h>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

const std::string zero_id = "00000000-0000-0000-0000-000000000000";

HttpResponse rest(std::uint16_t port, const std::string& method, const std::string& target,
                  const std::string& body = "") {
  auto answer = http_request(port, method, target, body, bearer(key_a));
  EXPECT_EQ(answer.status, 200u) << target << ": " << answer.error << answer.body;
  return answer;
}

// A member of an event's data (or of a REST body when `within` is null).
std::string data_member(const std::string& json, const char* name, const char* within = "data") {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  if (!within) return member_string(doc, name);
  auto data = doc.FindMember(within);
  return data == doc.MemberEnd() ? std::string() : member_string(data->value, name);
}

// The one call of a new groupcall that answers at once, once GET shows it answered.
std::string answered_call(std::uint16_t port) {
  auto created = create_groupcall(port, key_a, {"a@sim;answer=0"});
  EXPECT_EQ(created.call_ids.size(), 1u) << created.body;
  if (created.call_ids.empty()) return zero_id;
  auto id = created.call_ids[0];
  auto deadline = Clock::now() + 5s;
  while (data_member(rest(port, "GET", "/v1.0/calls/" + id).body, "status", nullptr) !=
         "progressing") {
    if (Clock::now() > deadline) {
      ADD_FAILURE() << "call " << id << " never answered";
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  return id;
}

std::function<bool(const std::vector<Frame>&)> has(const std::string& type) {
  return [type](const std::vector<Frame>& frames) { return count_type(frames, type) > 0; };
}

std::vector<std::string> types_of(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (auto& f : frames) {
    if (f.is_event()) out.push_back(f.type);
  }
  return out;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(WsConferences, ConferenceAndConferencecallTopicsEachGetTheirOwnEvents) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto call_id = answered_call(port);
  auto conferences = open_client(port, key_a, {topic(customer_a, "conference")});
  auto participants = open_client(port, key_a, {topic(customer_a, "conferencecall")});
  auto calls = open_client(port, key_a, {topic(customer_a, "call", call_id)});

  auto conference_id =
      data_member(rest(port, "POST", "/v1.0/conferences", R"({"name":"ws"})").body, "id", nullptr);
  auto joined = rest(port, "POST", "/v1.0/conferencecalls",
                     R"({"conference_id":")" + conference_id +
                         R"(","reference_type":"call","reference_id":")" + call_id + R"("})");
  auto participant_id = data_member(joined.body, "id", nullptr);
  auto to_joined = collect(*participants, has("conferencecall_joined"), 5s);
  ASSERT_EQ(count_type(to_joined, "conferencecall_joined"), 1u);

  // The call announces the conference it is in now.
  auto updates = collect(*calls, has("call_updated"), 5s);
  ASSERT_EQ(count_type(updates, "call_updated"), 1u);
  auto& update = updates.back();
  EXPECT_EQ(update.id, call_id);
  EXPECT_EQ(update.status, "progressing");
  EXPECT_EQ(data_member(update.raw, "conference_id"), conference_id) << update.raw;

  rest(port, "DELETE", "/v1.0/conferencecalls/" + participant_id);
  auto to_leaved = collect(*participants, has("conferencecall_leaved"), 5s);
  rest(port, "DELETE", "/v1.0/conferences/" + conference_id);
  auto conference_frames = collect(*conferences, has("conference_deleted"), 5s);
  ASSERT_EQ(count_type(conference_frames, "conference_deleted"), 1u);

  // The participant's four events, in order, and nothing else on its topic.
  auto participant_frames = to_joined;
  participant_frames.insert(participant_frames.end(), to_leaved.begin(), to_leaved.end());
  auto late = drain(*participants);
  participant_frames.insert(participant_frames.end(), late.begin(), late.end());
  expect_seq_continuous(participant_frames);
  EXPECT_EQ(types_of(participant_frames),
            (std::vector<std::string>{"conferencecall_joining", "conferencecall_joined",
                                      "conferencecall_leaving", "conferencecall_leaved"}));
  const std::vector<std::string> statuses{"joining", "joined", "leaving", "leaved"};
  for (std::size_t i = 0; i < participant_frames.size() && i < statuses.size(); ++i) {
    EXPECT_EQ(participant_frames[i].id, participant_id) << participant_frames[i].raw;
    EXPECT_EQ(participant_frames[i].status, statuses[i]) << participant_frames[i].raw;
    EXPECT_EQ(data_member(participant_frames[i].raw, "conference_id"), conference_id);
  }

  // The conference's topic: conference_* only, created first and deleted last.
  auto more = drain(*conferences);
  conference_frames.insert(conference_frames.end(), more.begin(), more.end());
  expect_seq_continuous(conference_frames);
  auto types = types_of(conference_frames);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "conference_created");
  EXPECT_EQ(types.back(), "conference_deleted");
  for (auto& f : conference_frames) {
    EXPECT_TRUE(starts_with(f.type, "conference_")) << "not a conference event: " << f.raw;
    EXPECT_EQ(f.id, conference_id) << f.raw;
  }
  // Its participant came and went through conference_updated: named, then not.
  bool named = false, unnamed_after = false;
  for (auto& f : conference_frames) {
    bool names = f.raw.find(participant_id) != std::string::npos;
    if (f.type == "conference_updated" && names) named = true;
    if (f.type == "conference_updated" && named && !names) unnamed_after = true;
  }
  EXPECT_TRUE(named) << "no conference_updated named the participant";
  EXPECT_TRUE(unnamed_after) << "no conference_updated dropped the participant";
  EXPECT_EQ(data_member(conference_frames.back().raw, "status"), "terminated");

  // The call left the conference: announced again, with conference_id cleared.
  auto after = collect(
      *calls, [](const std::vector<Frame>& f) { return count_type(f, "call_updated") > 0; }, 5s);
  ASSERT_EQ(count_type(after, "call_updated"), 1u);
  EXPECT_EQ(data_member(after.back().raw, "conference_id"), zero_id) << after.back().raw;
  EXPECT_TRUE(drain(*calls).empty()) << "the call changed nothing else";
}

}  // namespace
}  // namespace chorus::wstest
