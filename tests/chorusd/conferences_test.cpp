// Conferences and conferencecalls through chorusd's REST API: create (every field
// round-trips, refusals name the field), list pages, isolation, update, delete; an
// answered call joins (joining, then joined) and leaves by kick, by its own hangup,
// or as its conference ends (connect, timeout, delete); every refused join changes
// nothing; a groupcall's winner joins the conference it names.

#include <gtest/gtest.h>

#include <algorithm>

#include "conference_fixture.hpp"

namespace chorus::test {
namespace {

const std::string flow_1 = "f1f1f1f1-0000-4000-8000-000000000001";
const std::string flow_2 = "f2f2f2f2-0000-4000-8000-000000000002";
const std::string chosen_id = "c0c0c0c0-0000-4000-8000-0000000000c0";

class Conferences : public ApiTest {
 protected:
  // A bridge that takes long enough for joining and leaving to be seen by a poll.
  std::vector<std::string> flags() override {
    auto f = ApiTest::flags();
    f.insert(f.end(), {"--bridge-delay-ms", "50"});
    return f;
  }

  // A refused join leaves the conference's participants (when `owner` can read it)
  // and both customers' conferencecalls as they were.
  void expect_refused_join(const std::string& conference_id, const std::string& call_id,
                           unsigned status, const std::string& reason, const std::string& mentions,
                           HttpClient* owner) {
    SCOPED_TRACE("join of " + call_id + " to " + conference_id);
    std::vector<std::string> participants;
    if (owner) participants = strings(get_conference(*owner, conference_id), "conferencecall_ids");
    auto listed = listed_conferencecalls(*a);
    auto listed_b = listed_conferencecalls(*b);
    expect_error(post_join(*a, conference_id, call_id), status, reason, mentions);
    if (owner) {
      EXPECT_EQ(strings(get_conference(*owner, conference_id), "conferencecall_ids"), participants);
    }
    EXPECT_EQ(listed_conferencecalls(*a), listed);
    EXPECT_EQ(listed_conferencecalls(*b), listed_b);
  }

  // Waits until the participant has left and its conference no longer names it
  // (the conference learns of it after the participant's leaved is committed).
  void expect_left(const std::string& conferencecall_id, const std::string& conference_id) {
    auto left = poll(*a, conferencecall_path(conferencecall_id), status_is("leaved"));
    EXPECT_EQ(str(left, "conference_id"), conference_id);
    poll(*a, conference_path(conference_id), [&](const Json& c) {
      auto ids = strings(c, "conferencecall_ids");
      return std::count(ids.begin(), ids.end(), conferencecall_id) == 0;
    });
  }
  // Waits until the call shows it is in no conference (it learns of its leaving last).
  Json await_out_of_conference(const std::string& call_id) {
    return poll(*a, "/v1.0/calls/" + call_id,
                [](const Json& c) { return str(c, "conference_id") == zero_id; });
  }
};

TEST_F(Conferences, CreateRoundTripsEveryField) {
  auto body = R"({"type":"conference","id":")" + chosen_id +
              R"(","name":"Standup","detail":"every morning","timeout":3600,)"
              R"("data":{"room":"blue","seats":[1,2,{"x":null}],"ok":true},)"
              R"("pre_flow_id":")" +
              flow_1 + R"(","post_flow_id":")" + flow_2 + R"(","max_participants":5})";
  auto r = a->post("/v1.0/conferences", body);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto c = parse_json(r.body);
  EXPECT_EQ(str(c, "id"), chosen_id);
  EXPECT_EQ(str(c, "customer_id"), customer_a);
  EXPECT_EQ(str(c, "type"), "conference");
  EXPECT_EQ(str(c, "status"), "progressing");
  EXPECT_EQ(str(c, "name"), "Standup");
  EXPECT_EQ(str(c, "detail"), "every morning");
  EXPECT_EQ(integer(c, "timeout"), 3600);
  ASSERT_TRUE(c.HasMember("data"));
  EXPECT_EQ(compact(c["data"]), R"({"room":"blue","seats":[1,2,{"x":null}],"ok":true})");
  EXPECT_EQ(str(c, "pre_flow_id"), flow_1);
  EXPECT_EQ(str(c, "post_flow_id"), flow_2);
  EXPECT_EQ(integer(c, "max_participants"), 5);
  EXPECT_TRUE(strings(c, "conferencecall_ids").empty());
  EXPECT_EQ(str(c, "recording_id"), zero_id);
  EXPECT_TRUE(strings(c, "recording_ids").empty());
  EXPECT_EQ(str(c, "transcribe_id"), zero_id);
  EXPECT_TRUE(strings(c, "transcribe_ids").empty());
  EXPECT_TRUE(is_hex32(str(c, "direct_hash"))) << str(c, "direct_hash");
  EXPECT_EQ(str(c, "tm_end"), not_yet);
  EXPECT_NE(str(c, "tm_create"), not_yet);
  EXPECT_EQ(str(c, "tm_delete"), not_yet);

  // Read back as created, by id and in the list.
  EXPECT_EQ(a->get(conference_path(chosen_id)).body, r.body);
  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{chosen_id});

  // Defaults: type as written (""), nothing else set; each has its own direct_hash.
  auto plain = create_conference(*a);
  EXPECT_EQ(str(plain, "type"), "");
  EXPECT_EQ(str(plain, "status"), "progressing");
  EXPECT_EQ(integer(plain, "timeout"), 0);
  EXPECT_EQ(integer(plain, "max_participants"), 0);
  EXPECT_EQ(compact(plain["data"]), "{}");
  EXPECT_EQ(str(plain, "pre_flow_id"), zero_id);
  EXPECT_NE(str(plain, "id"), zero_id);
  EXPECT_TRUE(is_hex32(str(plain, "direct_hash")));
  EXPECT_NE(str(plain, "direct_hash"), str(c, "direct_hash"));
  EXPECT_EQ(str(create_conference(*a, R"({"type":"connect"})"), "type"), "connect");
}

TEST_F(Conferences, AChosenIdIsTakenOnce) {
  auto first = a->post("/v1.0/conferences", R"({"id":")" + chosen_id + R"(","name":"first"})");
  ASSERT_EQ(first.status, 200u) << first.body;
  expect_error(a->post("/v1.0/conferences", R"({"id":")" + chosen_id + R"(","name":"second"})"),
               409, "CONFLICT");
  // Another customer cannot take it either, nor learn anything of the first.
  expect_error(b->post("/v1.0/conferences", R"({"id":")" + chosen_id + R"("})"), 409, "CONFLICT");
  EXPECT_EQ(a->get(conference_path(chosen_id)).body, first.body);
  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{chosen_id});
  EXPECT_TRUE(listed_conferences(*b).empty());
}

TEST_F(Conferences, BadBodiesAreRefusedNamingTheField) {
  struct Case {
    std::string body, field;
  };
  const std::vector<Case> cases = {
      {R"({"type":"webinar"})", "type"},
      {R"({"timeout":-1})", "timeout"},
      {R"({"timeout":86401})", "timeout"},
      {R"({"timeout":"60"})", "timeout"},
      {R"({"data":"text"})", "data"},
      {R"({"data":[1,2]})", "data"},
      {R"({"data":7})", "data"},
      {R"({"name":")" + std::string(257, 'n') + R"("})", "name"},
      {R"({"detail":")" + std::string(1025, 'd') + R"("})", "detail"},
      {R"({"max_participants":-1})", "max_participants"},
      {R"({"id":"not-a-uuid"})", "id"},
      {R"({"pre_flow_id":"nope"})", "pre_flow_id"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 60));
    expect_field_error(a->post("/v1.0/conferences", c.body), 400, "INVALID_ARGUMENT", c.field);
  }
  // The limits themselves are fine.
  auto at_limits = create_conference(
      *a, R"({"name":")" + std::string(256, 'n') + R"(","timeout":86400,"data":{}})");
  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{str(at_limits, "id")});
  // PUT holds the same rules.
  auto id = str(at_limits, "id");
  expect_field_error(a->put(conference_path(id), R"({"timeout":-1})"), 400, "INVALID_ARGUMENT",
                     "timeout");
  expect_field_error(a->put(conference_path(id), R"({"data":"x"})"), 400, "INVALID_ARGUMENT",
                     "data");
  EXPECT_EQ(str(get_conference(*a, id), "tm_update"), str(at_limits, "tm_update"));
}

TEST_F(Conferences, ListPagesWalkEveryConferenceOnceNewestFirst) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    created.push_back(
        str(create_conference(*a, R"({"name":"c)" + std::to_string(i) + R"("})"), "id"));
  }
  create_conference(*b);  // another customer's is never listed
  std::vector<std::string> walked;
  std::string token;
  int pages = 0;
  for (; pages < 20; ++pages) {
    auto target = std::string("/v1.0/conferences?page_size=3");
    if (!token.empty()) {
      std::replace(token.begin(), token.end(), ' ', '+');
      target += "&page_token=" + token;
    }
    auto page = json_200(a->get(target));
    auto ids = ids_of(page);
    EXPECT_LE(ids.size(), 3u);
    walked.insert(walked.end(), ids.begin(), ids.end());
    ASSERT_TRUE(page.HasMember("next_page_token")) << compact(page);
    token = str(page, "next_page_token");
    if (ids.empty()) {
      EXPECT_EQ(token, "");
      break;
    }
    EXPECT_EQ(token,
              str(page["result"][static_cast<rapidjson::SizeType>(ids.size() - 1)], "tm_create"));
  }
  EXPECT_EQ(pages, 3) << "3 + 3 + 1, then the empty page";
  std::reverse(created.begin(), created.end());
  EXPECT_EQ(walked, created);
}

TEST_F(Conferences, AnotherCustomersConferenceIsNotFound) {
  auto of_a = create_conference(*a, R"({"name":"private"})");
  auto id = str(of_a, "id");
  auto call_of_b = answered_call(*b);
  expect_error(b->get(conference_path(id)), 404, "CONFERENCE_NOT_FOUND");
  expect_error(b->put(conference_path(id), R"({"name":"stolen"})"), 404, "CONFERENCE_NOT_FOUND");
  expect_error(b->del(conference_path(id)), 404, "CONFERENCE_NOT_FOUND");
  expect_error(b->post("/v1.0/conferencecalls", join_body(id, call_of_b)), 404,
               "CONFERENCE_NOT_FOUND");
  expect_error(b->get(conference_path(random_id)), 404, "CONFERENCE_NOT_FOUND");
  EXPECT_TRUE(listed_conferences(*b).empty());
  auto now = get_conference(*a, id);
  EXPECT_EQ(str(now, "name"), "private");
  EXPECT_EQ(str(now, "status"), "progressing");
  EXPECT_TRUE(strings(now, "conferencecall_ids").empty());
  EXPECT_EQ(str(get_call(*b, call_of_b), "conference_id"), zero_id);
}

TEST_F(Conferences, PutChangesTheFieldsUntilTheConferenceIsDeleted) {
  auto c = create_conference(*a, R"({"name":"old","detail":"d","timeout":600,"data":{"v":1}})");
  auto id = str(c, "id");
  auto body = R"({"name":"new","detail":"changed","data":{"v":2,"w":[true]},"timeout":900,)"
              R"("pre_flow_id":")" +
              flow_1 + R"(","post_flow_id":")" + flow_2 + R"("})";
  auto r = a->put(conference_path(id), body);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto changed = parse_json(r.body);
  EXPECT_EQ(str(changed, "name"), "new");
  EXPECT_EQ(str(changed, "detail"), "changed");
  EXPECT_EQ(compact(changed["data"]), R"({"v":2,"w":[true]})");
  EXPECT_EQ(integer(changed, "timeout"), 900);
  EXPECT_EQ(str(changed, "pre_flow_id"), flow_1);
  EXPECT_EQ(str(changed, "post_flow_id"), flow_2);
  EXPECT_EQ(str(changed, "status"), "progressing");
  EXPECT_GT(str(changed, "tm_update"), str(c, "tm_update"));
  EXPECT_EQ(str(changed, "tm_create"), str(c, "tm_create"));
  EXPECT_EQ(str(changed, "direct_hash"), str(c, "direct_hash"));
  EXPECT_EQ(a->get(conference_path(id)).body, r.body);

  // A member left out keeps its value.
  auto renamed = json_200(a->put(conference_path(id), R"({"name":"newer"})"));
  EXPECT_EQ(str(renamed, "name"), "newer");
  EXPECT_EQ(str(renamed, "detail"), "changed");
  EXPECT_EQ(integer(renamed, "timeout"), 900);

  ASSERT_EQ(a->del(conference_path(id)).status, 200u);
  auto deleted = a->get(conference_path(id));
  expect_error(a->put(conference_path(id), R"({"name":"too late"})"), 409, "CONFLICT");
  EXPECT_EQ(a->get(conference_path(id)).body, deleted.body);
  EXPECT_EQ(str(parse_json(deleted.body), "name"), "newer");
}

TEST_F(Conferences, DeleteTerminatesStampsTmDeleteAndDropsItFromTheList) {
  auto kept = str(create_conference(*a, R"({"name":"kept"})"), "id");
  auto gone = create_conference(*a, R"({"name":"gone"})");
  auto id = str(gone, "id");
  auto call_id = answered_call(*a);
  auto participant = join_and_await(*a, id, call_id);

  auto r = a->del(conference_path(id));
  ASSERT_EQ(r.status, 200u) << r.body;
  auto deleted = parse_json(r.body);
  EXPECT_EQ(str(deleted, "id"), id);
  EXPECT_EQ(str(deleted, "status"), "terminated");
  EXPECT_NE(str(deleted, "tm_delete"), not_yet);
  EXPECT_NE(str(deleted, "tm_end"), not_yet);
  EXPECT_TRUE(strings(deleted, "conferencecall_ids").empty()) << r.body;
  // Its participant left before the deletion was stamped; the call stays up.
  auto left = get_conferencecall(*a, str(participant, "id"));
  EXPECT_EQ(str(left, "status"), "leaved");
  EXPECT_LE(str(left, "tm_update"), str(deleted, "tm_delete"));
  auto call_after = await_out_of_conference(call_id);
  EXPECT_EQ(str(call_after, "status"), "progressing");

  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{kept});
  auto read = get_conference(*a, id);
  EXPECT_EQ(str(read, "tm_delete"), str(deleted, "tm_delete"));
  EXPECT_EQ(str(read, "status"), "terminated");
  // Deleting again changes nothing.
  auto again = a->del(conference_path(id));
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(str(get_conference(*a, id), "tm_delete"), str(deleted, "tm_delete"));
}

TEST_F(Conferences, AnAnsweredCallJoinsJoiningThenJoined) {
  auto id = str(create_conference(*a), "id");
  auto call_id = answered_call(*a);
  auto r = post_join(*a, id, call_id);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto joining = parse_json(r.body);
  auto participant_id = str(joining, "id");
  EXPECT_NE(participant_id, zero_id);
  EXPECT_EQ(str(joining, "status"), "joining");
  EXPECT_EQ(str(joining, "customer_id"), customer_a);
  EXPECT_EQ(str(joining, "conference_id"), id);
  EXPECT_EQ(str(joining, "reference_type"), "call");
  EXPECT_EQ(str(joining, "reference_id"), call_id);
  EXPECT_EQ(str(joining, "activeflow_id"), zero_id);
  EXPECT_EQ(str(joining, "tm_delete"), not_yet);

  std::vector<std::string> seen;
  auto joined = poll(*a, conferencecall_path(participant_id), status_is("joined"),
                     std::chrono::seconds(5), &seen);
  EXPECT_TRUE(seen == std::vector<std::string>{"joined"} ||
              seen == (std::vector<std::string>{"joining", "joined"}))
      << "statuses out of order";
  EXPECT_EQ(str(joined, "tm_create"), str(joining, "tm_create"));
  EXPECT_EQ(strings(get_conference(*a, id), "conferencecall_ids"),
            std::vector<std::string>{participant_id});
  EXPECT_EQ(str(get_call(*a, call_id), "conference_id"), id);
  EXPECT_EQ(listed_conferencecalls(*a), std::vector<std::string>{participant_id});
  EXPECT_TRUE(listed_conferencecalls(*b).empty());
  expect_error(b->get(conferencecall_path(participant_id)), 404, "CONFERENCECALL_NOT_FOUND");
  expect_error(b->del(conferencecall_path(participant_id)), 404, "CONFERENCECALL_NOT_FOUND");
  EXPECT_EQ(str(get_conferencecall(*a, participant_id), "status"), "joined");
  // Joining it again, to the same conference, is refused and changes nothing.
  expect_error(post_join(*a, id, call_id), 409, "CONFLICT", "already in a conference");
  EXPECT_EQ(strings(get_conference(*a, id), "conferencecall_ids"),
            std::vector<std::string>{participant_id});
  EXPECT_EQ(listed_conferencecalls(*a), std::vector<std::string>{participant_id});
}

TEST_F(Conferences, RefusedJoinsChangeNothing) {
  auto id = str(create_conference(*a, R"({"max_participants":1})"), "id");
  auto other = str(create_conference(*a), "id");
  auto ended = str(create_conference(*a), "id");
  auto of_b = str(create_conference(*b), "id");
  auto in_conference = answered_call(*a, "first");
  join_and_await(*a, id, in_conference);

  auto ringing = call_in_status(*a, "r@sim", "ringing");
  expect_refused_join(other, ringing, 409, "CONFLICT", "not answered", a.get());
  auto hung_up = call_in_status(*a, "h@sim;busy=0", "hangup");
  expect_refused_join(other, hung_up, 409, "CONFLICT", "ended", a.get());
  expect_refused_join(other, in_conference, 409, "CONFLICT", "already in a conference", a.get());
  auto second = answered_call(*a, "second");
  expect_refused_join(id, second, 409, "CONFLICT", "full", a.get());
  ASSERT_EQ(a->del(conference_path(ended)).status, 200u);
  expect_refused_join(ended, second, 409, "CONFLICT", "terminated", a.get());
  // Another customer's call or conference, or none at all: not found.
  auto call_of_b = answered_call(*b);
  expect_refused_join(other, call_of_b, 404, "CALL_NOT_FOUND", "call", a.get());
  expect_refused_join(of_b, second, 404, "CONFERENCE_NOT_FOUND", "conference", b.get());
  expect_refused_join(other, random_id, 404, "CALL_NOT_FOUND", "call", a.get());
  expect_refused_join(random_id, second, 404, "CONFERENCE_NOT_FOUND", "conference", nullptr);
  // Bodies that are not a join.
  expect_field_error(a->post("/v1.0/conferencecalls", R"({"conference_id":")" + other + R"("})"),
                     400, "INVALID_ARGUMENT", "reference_type");
  expect_field_error(
      a->post("/v1.0/conferencecalls", R"({"conference_id":")" + other +
                                           R"(","reference_type":"agent","reference_id":")" +
                                           second + R"("})"),
      400, "INVALID_ARGUMENT", "reference_type");

  EXPECT_EQ(str(get_call(*a, second), "conference_id"), zero_id);
  EXPECT_EQ(str(get_call(*b, call_of_b), "conference_id"), zero_id);
  EXPECT_TRUE(strings(get_conference(*a, other), "conferencecall_ids").empty());
  EXPECT_TRUE(strings(get_conference(*b, of_b), "conferencecall_ids").empty());
  // The call refused as full joins elsewhere: the refusal held nothing of it.
  join_and_await(*a, other, second);
}

TEST_F(Conferences, AKickLeavesThenLeavedAndASecondKickConflicts) {
  auto id = str(create_conference(*a), "id");
  auto call_id = answered_call(*a);
  auto participant_id = str(join_and_await(*a, id, call_id), "id");

  auto r = a->del(conferencecall_path(participant_id));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(str(parse_json(r.body), "status"), "leaving");
  std::vector<std::string> seen;
  poll(*a, conferencecall_path(participant_id), status_is("leaved"), std::chrono::seconds(5),
       &seen);
  EXPECT_TRUE(seen == std::vector<std::string>{"leaved"} ||
              seen == (std::vector<std::string>{"leaving", "leaved"}));
  expect_error(a->del(conferencecall_path(participant_id)), 409, "CONFLICT", "leaved");
  expect_left(participant_id, id);

  // The call stays up, out of the conference, and may join again as a new participant.
  auto call_after = await_out_of_conference(call_id);
  EXPECT_EQ(str(call_after, "status"), "progressing");
  EXPECT_EQ(str(get_conference(*a, id), "status"), "progressing");
  auto again = join_and_await(*a, id, call_id);
  EXPECT_NE(str(again, "id"), participant_id);
  EXPECT_EQ(listed_conferencecalls(*a).size(), 2u);
}

TEST_F(Conferences, ASecondKickWhileLeavingConflicts) {
  auto id = str(create_conference(*a), "id");
  auto participant_id = str(join_and_await(*a, id, answered_call(*a)), "id");
  auto first = a->del(conferencecall_path(participant_id));
  auto second = a->del(conferencecall_path(participant_id));
  ASSERT_EQ(first.status, 200u) << first.body;
  expect_error(second, 409, "CONFLICT", "already");
  expect_left(participant_id, id);
}

TEST_F(Conferences, ACallsHangupMakesItsParticipantLeave) {
  auto id = str(create_conference(*a), "id");
  auto stays = answered_call(*a, "stays");
  auto hangs_up = answered_call(*a, "goes");
  auto staying = str(join_and_await(*a, id, stays), "id");
  auto leaving = str(join_and_await(*a, id, hangs_up), "id");
  ASSERT_EQ(strings(get_conference(*a, id), "conferencecall_ids"),
            (std::vector<std::string>{staying, leaving}));

  auto r = a->post("/v1.0/calls/" + hangs_up + "/hangup");
  ASSERT_EQ(r.status, 200u) << r.body;
  expect_left(leaving, id);
  poll(*a, "/v1.0/calls/" + hangs_up, status_is("hangup"));
  auto conference = get_conference(*a, id);
  EXPECT_EQ(str(conference, "status"), "progressing") << "a conference outlives a participant";
  EXPECT_EQ(strings(conference, "conferencecall_ids"), std::vector<std::string>{staying});
  EXPECT_EQ(str(get_conferencecall(*a, staying), "status"), "joined");
}

TEST_F(Conferences, AConnectEndsWhenOneOfItsTwoLeaves) {
  auto id = str(create_conference(*a, R"({"type":"connect"})"), "id");
  auto first = str(join_and_await(*a, id, answered_call(*a, "one")), "id");
  auto second_call = answered_call(*a, "two");
  auto second = str(join_and_await(*a, id, second_call), "id");

  ASSERT_EQ(a->del(conferencecall_path(first)).status, 200u);
  auto ended = poll(*a, conference_path(id), status_is("terminated"));
  EXPECT_NE(str(ended, "tm_end"), not_yet);
  EXPECT_EQ(str(ended, "tm_delete"), not_yet) << "ended, not deleted";
  EXPECT_TRUE(strings(ended, "conferencecall_ids").empty());
  EXPECT_EQ(str(get_conferencecall(*a, first), "status"), "leaved");
  EXPECT_EQ(str(get_conferencecall(*a, second), "status"), "leaved");
  // The other call was not hung up by it.
  auto call_after = await_out_of_conference(second_call);
  EXPECT_EQ(str(call_after, "status"), "progressing");
  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{id}) << "ended, still listed";
  expect_error(post_join(*a, id, second_call), 409, "CONFLICT", "terminated");
}

TEST_F(Conferences, ATimeoutEndsTheConference) {
  auto created = create_conference(*a, R"({"timeout":1})");
  auto id = str(created, "id");
  auto participant = str(join_and_await(*a, id, answered_call(*a)), "id");
  auto ended = poll(*a, conference_path(id), status_is("terminated"), std::chrono::seconds(5));
  ASSERT_NE(str(ended, "tm_end"), not_yet);
  auto lasted = micros_of(str(ended, "tm_end")) - micros_of(str(created, "tm_create"));
  EXPECT_GE(lasted, 1000000) << "ended before its timeout";
  EXPECT_LT(lasted, 3000000) << "ended long after its timeout";
  EXPECT_EQ(str(ended, "tm_delete"), not_yet);
  EXPECT_EQ(str(get_conferencecall(*a, participant), "status"), "leaved");
}

TEST_F(Conferences, AGroupcallsWinnerJoinsItsConference) {
  auto id = str(create_conference(*a), "id");
  auto r = a->post("/v1.0/groupcalls",
                   groupcall_body({endpoint("win@sim;answer=30"), endpoint("lose@sim")}, "",
                                  R"("conference_id":")" + id + R"(")"));
  ASSERT_EQ(r.status, 200u) << r.body;
  auto gc = parse_json(r.body);
  EXPECT_EQ(str(gc, "conference_id"), id);
  auto call_ids = strings(gc, "call_ids");
  ASSERT_EQ(call_ids.size(), 2u);

  auto conference = poll(*a, conference_path(id), [](const Json& c) {
    return strings(c, "conferencecall_ids").size() == 1;
  });
  auto participant_id = strings(conference, "conferencecall_ids").at(0);
  auto participant = poll(*a, conferencecall_path(participant_id), status_is("joined"));
  EXPECT_EQ(str(participant, "reference_id"), call_ids[0]);
  EXPECT_EQ(str(get_call(*a, call_ids[0]), "conference_id"), id);
  auto loser = poll(*a, "/v1.0/calls/" + call_ids[1], status_is("hangup"));
  EXPECT_EQ(str(loser, "conference_id"), zero_id);
  EXPECT_EQ(listed_conferencecalls(*a), std::vector<std::string>{participant_id});
}

TEST_F(Conferences, AGroupcallNamingNoLiveConferenceOfTheCustomerIsRefused) {
  auto of_b = str(create_conference(*b), "id");
  auto ended = str(create_conference(*a), "id");
  ASSERT_EQ(a->del(conference_path(ended)).status, 200u);
  auto before = everything(*a);
  for (auto& conference_id : {random_id, of_b, ended}) {
    SCOPED_TRACE(conference_id);
    expect_field_error(a->post("/v1.0/groupcalls",
                               groupcall_body({endpoint("x@sim")}, "",
                                              R"("conference_id":")" + conference_id + R"(")")),
                       400, "INVALID_ARGUMENT", "conference_id");
  }
  expect_field_error(a->post("/v1.0/groupcalls",
                             groupcall_body({endpoint("x@sim")}, "", R"("conference_id":"nope")")),
                     400, "INVALID_ARGUMENT", "conference_id");
  EXPECT_EQ(everything(*a), before) << "nothing was placed";
  EXPECT_TRUE(listed_conferencecalls(*a).empty());
}

}  // namespace
}  // namespace chorus::test
