// Groupcalls driven through the REST API with simulated destinations and watched
// by polling GET: ring_all (first answer wins, the others are cancelled), linear
// (one destination after another, in order), nested agents and extensions, and
// the groupcall endpoints: create, list, get, hangup, delete.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Groupcalls : public ApiTest {};

bool answered(const Json& gc) {
  return str(gc, "answer_call_id") != zero_id;
}
bool nested_answered(const Json& gc) {
  return str(gc, "answer_groupcall_id") != zero_id;
}

TEST_F(Groupcalls, CreateAnswersTheGroupcallAsCreated) {
  auto body = groupcall_body({endpoint("a@sim"), endpoint("b@sim")}, "ring_all",
                             R"("ring_timeout":20,"answer_timeout":40,"owner_type":"queue",)"
                             R"("owner_id":")" +
                                 random_id + R"(")");
  auto gc = create_groupcall(*a, body);
  EXPECT_EQ(str(gc, "id").size(), 36u);
  EXPECT_NE(str(gc, "id"), zero_id);
  EXPECT_EQ(str(gc, "customer_id"), customer_a);
  EXPECT_EQ(str(gc, "status"), "progressing");
  EXPECT_EQ(str(gc, "ring_method"), "ring_all");
  EXPECT_EQ(str(gc, "answer_method"), "");
  EXPECT_EQ(str(gc, "owner_type"), "queue");
  EXPECT_EQ(str(gc, "owner_id"), random_id);
  EXPECT_EQ(integer(gc, "ring_timeout"), 20);
  EXPECT_EQ(integer(gc, "answer_timeout"), 40);
  EXPECT_EQ(str(gc["source"], "type"), "tel");
  EXPECT_EQ(str(gc["source"], "target"), "+15550001000");
  ASSERT_TRUE(gc["destinations"].IsArray());
  ASSERT_EQ(gc["destinations"].Size(), 2u);
  EXPECT_EQ(str(gc["destinations"][0], "target"), "a@sim");
  EXPECT_EQ(str(gc["destinations"][1], "target"), "b@sim");
  EXPECT_EQ(strings(gc, "call_ids").size(), 2u);
  EXPECT_TRUE(strings(gc, "groupcall_ids").empty());
  EXPECT_EQ(integer(gc, "call_count"), 2);
  EXPECT_EQ(str(gc, "answer_call_id"), zero_id);
  EXPECT_NE(str(gc, "tm_create"), not_yet);
  EXPECT_EQ(str(gc, "tm_delete"), not_yet);

  // Readable at once, by id and in the list, with its legs ringing.
  auto read = groupcall(*a, str(gc, "id"));
  EXPECT_EQ(str(read, "id"), str(gc, "id"));
  EXPECT_EQ(str(read, "tm_create"), str(gc, "tm_create"));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))), std::vector<std::string>{str(gc, "id")});
  for (auto& id : strings(gc, "call_ids")) {
    auto c = await_call(*a, id, has_status("ringing"));
    EXPECT_EQ(str(c, "groupcall_id"), str(gc, "id"));
    EXPECT_EQ(str(c, "customer_id"), customer_a);
    EXPECT_EQ(str(c, "direction"), "outgoing");
    EXPECT_EQ(str(c["source"], "target"), "+15550001000");
  }
}

TEST_F(Groupcalls, RingAllFirstAnswerWinsAndTheOthersAreCancelled) {
  // b answers first (100 ms) and hangs up 800 ms later; a would answer at 400 ms,
  // c never would.
  auto gc = create_groupcall(
      *a, groupcall_body({endpoint("a@sim;answer=400"), endpoint("b@sim;answer=100;hangup=800"),
                          endpoint("c@sim")}));
  auto id = str(gc, "id");
  auto call_ids = strings(gc, "call_ids");
  ASSERT_EQ(call_ids.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(str(call(*a, call_ids[i])["destination"], "target"),
              str(gc["destinations"][static_cast<rapidjson::SizeType>(i)], "target"));
  }

  auto won = await_groupcall(*a, id, answered);
  EXPECT_EQ(str(won, "answer_call_id"), call_ids[1]);
  EXPECT_EQ(str(won, "answer_groupcall_id"), zero_id);
  EXPECT_EQ(str(won, "status"), "progressing");
  auto winner = call(*a, call_ids[1]);
  EXPECT_EQ(str(winner, "status"), "progressing");
  EXPECT_NE(str(winner, "tm_progressing"), not_yet);
  for (auto& loser : {call_ids[0], call_ids[2]}) {
    auto lost = await_call(*a, loser, has_status("hangup"));
    EXPECT_EQ(str(lost, "hangup_reason"), "cancel");
    EXPECT_EQ(str(lost, "hangup_by"), "local");
    EXPECT_EQ(str(lost, "tm_progressing"), not_yet);
    EXPECT_NE(str(lost, "tm_hangup"), not_yet);
  }

  // The winner hangs up: the groupcall ends with it.
  auto ended = await_groupcall(*a, id, has_status("hangup"));
  EXPECT_EQ(str(ended, "answer_call_id"), call_ids[1]);
  EXPECT_EQ(integer(ended, "call_count"), 0);
  winner = call(*a, call_ids[1]);
  EXPECT_EQ(str(winner, "status"), "hangup");
  EXPECT_EQ(str(winner, "hangup_reason"), "normal");
  EXPECT_EQ(str(winner, "hangup_by"), "remote");
  // a's answer time has passed by now: a cancelled leg stays cancelled.
  EXPECT_EQ(str(call(*a, call_ids[0]), "hangup_reason"), "cancel");
}

TEST_F(Groupcalls, RingAllEndsWhenEveryDestinationFails) {
  auto gc =
      create_groupcall(*a, groupcall_body({endpoint("a@sim;busy=10"), endpoint("b@sim;fail=20"),
                                           endpoint("c@sim;noanswer=30")}));
  auto ended = await_groupcall(*a, str(gc, "id"), has_status("hangup"));
  EXPECT_EQ(str(ended, "answer_call_id"), zero_id);
  auto ids = strings(gc, "call_ids");
  EXPECT_EQ(str(call(*a, ids[0]), "hangup_reason"), "busy");
  EXPECT_EQ(str(call(*a, ids[1]), "hangup_reason"), "failed");
  EXPECT_EQ(str(call(*a, ids[2]), "hangup_reason"), "noanswer");
  for (auto& c : ids) EXPECT_EQ(str(call(*a, c), "hangup_by"), "remote");
}

TEST_F(Groupcalls, LinearRingsOneDestinationAfterAnotherInOrder) {
  auto gc = create_groupcall(
      *a, groupcall_body({endpoint("first@sim;busy=60"), endpoint("second@sim;reject=60"),
                          endpoint("third@sim;answer=60;hangup=100")},
                         "linear"));
  auto id = str(gc, "id");
  EXPECT_EQ(str(gc, "ring_method"), "linear");
  EXPECT_EQ(integer(gc, "dial_index"), 0);
  auto first = strings(gc, "call_ids");
  ASSERT_EQ(first.size(), 1u) << "linear dials only the first destination";

  // Watch it move on: dial_index only grows, and call_ids grows with it.
  int last_index = 0;
  std::size_t last_calls = 1;
  bool in_order = true;
  Json won;
  bool done = eventually([&] {
    won = groupcall(*a, id);
    int index = integer(won, "dial_index");
    auto calls = strings(won, "call_ids");
    in_order = in_order && index >= last_index && calls.size() >= last_calls &&
               calls.size() == static_cast<std::size_t>(index) + 1;
    last_index = index;
    last_calls = calls.size();
    return answered(won);
  });
  ASSERT_TRUE(done) << "the linear groupcall was never answered";
  EXPECT_TRUE(in_order) << "dial_index and call_ids must advance together";
  EXPECT_EQ(integer(won, "dial_index"), 2);
  auto call_ids = strings(won, "call_ids");
  ASSERT_EQ(call_ids.size(), 3u);
  EXPECT_EQ(call_ids[0], first[0]);
  EXPECT_EQ(str(won, "answer_call_id"), call_ids[2]);

  const char* targets[] = {"first@sim;busy=60", "second@sim;reject=60",
                           "third@sim;answer=60;hangup=100"};
  std::string previous_ringing;
  for (std::size_t i = 0; i < 3; ++i) {
    auto c = call(*a, call_ids[i]);
    EXPECT_EQ(str(c["destination"], "target"), targets[i]);
    // Each rang after the one before it had been dialled.
    EXPECT_LT(previous_ringing, str(c, "tm_ringing"));
    previous_ringing = str(c, "tm_ringing");
  }
  EXPECT_EQ(str(call(*a, call_ids[0]), "hangup_reason"), "busy");
  // A decline (603) is not a busy line: noanswer.
  EXPECT_EQ(str(call(*a, call_ids[1]), "hangup_reason"), "noanswer");
  // The first two had ended before the next was created.
  EXPECT_LE(str(call(*a, call_ids[0]), "tm_hangup"), str(call(*a, call_ids[1]), "tm_create"));
  EXPECT_LE(str(call(*a, call_ids[1]), "tm_hangup"), str(call(*a, call_ids[2]), "tm_create"));

  auto ended = await_groupcall(*a, id, has_status("hangup"));
  EXPECT_EQ(str(call(*a, call_ids[2]), "hangup_reason"), "normal");
  EXPECT_EQ(integer(ended, "dial_index"), 2);
}

TEST_F(Groupcalls, LinearEndsWhenItRunsOutOfDestinations) {
  auto gc = create_groupcall(
      *a, groupcall_body({endpoint("a@sim;busy=0"), endpoint("b@sim;fail=10")}, "linear"));
  auto ended = await_groupcall(*a, str(gc, "id"), has_status("hangup"));
  EXPECT_EQ(integer(ended, "dial_index"), 1);
  EXPECT_EQ(strings(ended, "call_ids").size(), 2u);
  EXPECT_EQ(str(ended, "answer_call_id"), zero_id);
}

TEST_F(Groupcalls, LinearMovesOnAfterRingTimeout) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("slow@sim"), endpoint("b@sim;answer=0")},
                                                "linear", R"("ring_timeout":1)"));
  auto won = await_groupcall(*a, str(gc, "id"), answered, std::chrono::seconds(5));
  auto ids = strings(won, "call_ids");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(str(won, "answer_call_id"), ids[1]);
  auto slow = call(*a, ids[0]);
  EXPECT_EQ(str(slow, "status"), "hangup");
  EXPECT_EQ(str(slow, "hangup_reason"), "dialout");
  EXPECT_EQ(str(slow, "hangup_by"), "local");
}

TEST_F(Groupcalls, AnswerTimeoutEndsTheGroupcall) {
  auto gc = create_groupcall(
      *a, groupcall_body({endpoint("a@sim"), endpoint("b@sim")}, "", R"("answer_timeout":1)"));
  auto ended = await_groupcall(*a, str(gc, "id"), has_status("hangup"), std::chrono::seconds(5));
  for (auto& id : strings(ended, "call_ids")) {
    EXPECT_EQ(str(call(*a, id), "hangup_reason"), "dialout");
  }
}

TEST_F(Groupcalls, NestedAgentAnswersAndTheRestIsCancelled) {
  // The agent rings linear: its first address is busy, its second answers.
  auto agent = create_agent(*a, agent_body("Alice",
                                           {endpoint("alice-desk@sim;busy=20"),
                                            endpoint("alice-mobile@sim;answer=80;hangup=800")},
                                           "linear"));
  auto extension = create_extension(
      *a, extension_body("Front desk", "2001", {endpoint("desk-1@sim"), endpoint("desk-2@sim")}));
  auto gc =
      create_groupcall(*a, groupcall_body({agent_destination(str(agent, "id")),
                                           extension_number("2001"), endpoint("direct@sim")}));
  auto id = str(gc, "id");
  auto nested = strings(gc, "groupcall_ids");
  ASSERT_EQ(nested.size(), 2u);
  ASSERT_EQ(strings(gc, "call_ids").size(), 1u);
  EXPECT_EQ(integer(gc, "groupcall_count"), 2);

  auto won = await_groupcall(*a, id, nested_answered);
  EXPECT_EQ(str(won, "answer_groupcall_id"), nested[0]);
  EXPECT_EQ(str(won, "answer_call_id"), zero_id);

  // The agent's groupcall: nested under the top one, linear over its addresses.
  auto by_agent = groupcall(*a, nested[0]);
  EXPECT_EQ(str(by_agent, "master_groupcall_id"), id);
  EXPECT_EQ(str(by_agent, "owner_type"), "agent");
  EXPECT_EQ(str(by_agent, "owner_id"), str(agent, "id"));
  EXPECT_EQ(str(by_agent, "ring_method"), "linear");
  EXPECT_EQ(str(by_agent, "customer_id"), customer_a);
  auto agent_calls = strings(by_agent, "call_ids");
  ASSERT_EQ(agent_calls.size(), 2u);
  EXPECT_EQ(str(by_agent, "answer_call_id"), agent_calls[1]);
  EXPECT_EQ(integer(by_agent, "dial_index"), 1);
  EXPECT_EQ(str(call(*a, agent_calls[0]), "hangup_reason"), "busy");
  EXPECT_EQ(str(call(*a, agent_calls[1]), "status"), "progressing");
  EXPECT_EQ(str(call(*a, agent_calls[1])["destination"], "target"),
            "alice-mobile@sim;answer=80;hangup=800");

  // The extension's groupcall rang both contacts; both are cancelled and it ends.
  auto by_extension = await_groupcall(*a, nested[1], has_status("hangup"));
  EXPECT_EQ(str(by_extension, "master_groupcall_id"), id);
  EXPECT_EQ(str(by_extension, "owner_type"), "extension");
  EXPECT_EQ(str(by_extension, "owner_id"), str(extension, "id"));
  auto contacts = strings(by_extension, "call_ids");
  ASSERT_EQ(contacts.size(), 2u);
  for (auto& c : contacts) {
    auto leg = call(*a, c);
    EXPECT_EQ(str(leg, "status"), "hangup");
    EXPECT_EQ(str(leg, "hangup_reason"), "cancel");
  }
  auto direct = await_call(*a, strings(gc, "call_ids")[0], has_status("hangup"));
  EXPECT_EQ(str(direct, "hangup_reason"), "cancel");

  // Alice hangs up: her groupcall and the top one end.
  auto ended = await_groupcall(*a, id, has_status("hangup"));
  EXPECT_EQ(integer(ended, "groupcall_count"), 0);
  EXPECT_EQ(str(groupcall(*a, nested[0]), "status"), "hangup");
  EXPECT_EQ(str(call(*a, agent_calls[1]), "hangup_reason"), "normal");
}

TEST_F(Groupcalls, NestedExtensionAnswers) {
  auto agent = create_agent(*a, agent_body("Bob", {endpoint("bob@sim")}));
  auto extension = create_extension(
      *a, extension_body("Sales", "3001", {endpoint("s1@sim"), endpoint("s2@sim;answer=50")}));
  auto gc = create_groupcall(*a, groupcall_body({agent_destination(str(agent, "id")),
                                                 address("extension", str(extension, "id"))}));
  auto nested = strings(gc, "groupcall_ids");
  ASSERT_EQ(nested.size(), 2u);
  auto won = await_groupcall(*a, str(gc, "id"), nested_answered);
  EXPECT_EQ(str(won, "answer_groupcall_id"), nested[1]);
  auto by_extension = groupcall(*a, nested[1]);
  auto contacts = strings(by_extension, "call_ids");
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(str(by_extension, "answer_call_id"), contacts[1]);
  auto s1 = await_call(*a, contacts[0], has_status("hangup"));
  EXPECT_EQ(str(s1, "hangup_reason"), "cancel");
  // Bob's whole groupcall is cancelled.
  auto by_agent = await_groupcall(*a, nested[0], has_status("hangup"));
  EXPECT_EQ(str(call(*a, strings(by_agent, "call_ids")[0]), "hangup_reason"), "cancel");

  // Hanging up the top groupcall ends the answered branch too.
  auto hung = a->post("/v1.0/groupcalls/" + str(gc, "id") + "/hangup");
  EXPECT_EQ(hung.status, 200u) << hung.body;
  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
  auto s2 = await_call(*a, contacts[1], has_status("hangup"));
  EXPECT_EQ(str(s2, "hangup_reason"), "normal");
  EXPECT_EQ(str(s2, "hangup_by"), "local");
}

TEST_F(Groupcalls, HangupEndsEveryLegAsCancelled) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim"), endpoint("b@sim")}));
  auto id = str(gc, "id");
  for (auto& c : strings(gc, "call_ids")) await_call(*a, c, has_status("ringing"));
  auto hung = a->post("/v1.0/groupcalls/" + id + "/hangup");
  ASSERT_EQ(hung.status, 200u) << hung.body;
  auto answer = parse_json(hung.body);
  EXPECT_EQ(str(answer, "id"), id);
  EXPECT_TRUE(str(answer, "status") == "hangingup" || str(answer, "status") == "hangup")
      << hung.body;
  auto ended = await_groupcall(*a, id, has_status("hangup"));
  EXPECT_EQ(integer(ended, "call_count"), 0);
  EXPECT_EQ(str(ended, "tm_delete"), not_yet);
  for (auto& c : strings(gc, "call_ids")) {
    auto leg = call(*a, c);
    EXPECT_EQ(str(leg, "status"), "hangup");
    EXPECT_EQ(str(leg, "hangup_reason"), "cancel");
    EXPECT_EQ(str(leg, "hangup_by"), "local");
  }
  // Hanging up an ended groupcall changes nothing.
  auto again = a->post("/v1.0/groupcalls/" + id + "/hangup");
  ASSERT_EQ(again.status, 200u) << again.body;
  auto after = parse_json(again.body);
  EXPECT_EQ(str(after, "status"), "hangup");
  EXPECT_EQ(str(after, "tm_update"), str(ended, "tm_update"));
}

TEST_F(Groupcalls, DeleteStampsTmDeleteAndDropsItFromTheList) {
  auto keep = create_groupcall(*a, groupcall_body({endpoint("keep@sim;busy=0")}));
  auto live = create_groupcall(*a, groupcall_body({endpoint("live@sim")}));
  auto ended = create_groupcall(*a, groupcall_body({endpoint("ended@sim;busy=0")}));
  await_groupcall(*a, str(ended, "id"), has_status("hangup"));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))).size(), 3u);

  // A live groupcall is hung up first, then deleted.
  auto deleted = a->del("/v1.0/groupcalls/" + str(live, "id"));
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  auto d = parse_json(deleted.body);
  EXPECT_EQ(str(d, "status"), "hangup");
  EXPECT_NE(str(d, "tm_delete"), not_yet);
  auto leg = call(*a, strings(live, "call_ids")[0]);
  EXPECT_EQ(str(leg, "status"), "hangup");
  EXPECT_EQ(str(leg, "hangup_reason"), "cancel");

  auto deleted_ended = a->del("/v1.0/groupcalls/" + str(ended, "id"));
  ASSERT_EQ(deleted_ended.status, 200u) << deleted_ended.body;
  EXPECT_NE(str(parse_json(deleted_ended.body), "tm_delete"), not_yet);

  // Gone from the list, still readable by id.
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))), std::vector<std::string>{str(keep, "id")});
  auto read = groupcall(*a, str(live, "id"));
  EXPECT_EQ(str(read, "tm_delete"), str(d, "tm_delete"));
  EXPECT_EQ(str(read, "status"), "hangup");

  // Deleting again changes nothing.
  auto again = a->del("/v1.0/groupcalls/" + str(live, "id"));
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(str(parse_json(again.body), "tm_delete"), str(d, "tm_delete"));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))), std::vector<std::string>{str(keep, "id")});
}

TEST_F(Groupcalls, ListIsNewestFirst) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(str(create_groupcall(*a, groupcall_body({endpoint("x@sim;busy=0")})), "id"));
  }
  auto list = ok(a->get("/v1.0/groupcalls"));
  EXPECT_EQ(ids_of(list), std::vector<std::string>(created.rbegin(), created.rend()));
  // As VoIPbin: a page that is not empty leads on, from its last tm_create.
  EXPECT_EQ(str(list, "next_page_token"), str(list["result"][4], "tm_create"));
  auto two = ok(a->get("/v1.0/groupcalls?page_size=2"));
  EXPECT_EQ(ids_of(two), (std::vector<std::string>{created[4], created[3]}));
  EXPECT_NE(str(two, "next_page_token"), "");
}

class Retention : public ApiTest {
 protected:
  // Retention by count is the in-memory mode's: with a store, history stays on disk.
  std::vector<std::string> flags() override {
    auto f = ApiTest::flags();
    f.insert(f.end(), {"--store", "memory", "--retained-groupcalls", "2"});
    return f;
  }
};

TEST_F(Retention, OnlyTheNewestEndedGroupcallsAreKept) {
  auto live = create_groupcall(*a, groupcall_body({endpoint("live@sim")}));
  std::vector<Json> ended;
  for (int i = 0; i < 3; ++i) {
    ended.push_back(create_groupcall(*a, groupcall_body({endpoint("x@sim;busy=0")})));
    await_groupcall(*a, str(ended.back(), "id"), has_status("hangup"));
  }
  // The oldest ended one is forgotten, with its calls; the live one is kept.
  expect_error(a->get("/v1.0/groupcalls/" + str(ended[0], "id")), 404, "GROUPCALL_NOT_FOUND");
  expect_error(a->get("/v1.0/calls/" + strings(ended[0], "call_ids")[0]), 404, "CALL_NOT_FOUND");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))),
            (std::vector<std::string>{str(ended[2], "id"), str(ended[1], "id"), str(live, "id")}));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/calls"))).size(), 3u);
  EXPECT_EQ(str(groupcall(*a, str(live, "id")), "status"), "progressing");
}

}  // namespace
}  // namespace chorus::test
