// A call joining a conference another node runs (issue 20): chorusd nodes on one
// PostgreSQL and one nats-server. The participant runs on the call's node, beside
// its call (whose driver bridges it); the conference stays on its node and keeps
// the roll. Everything here goes through REST (and a WebSocket) on real nodes: a
// join, a kick, a hangup and a deletion sent through any node; another
// customer's key refused through every one; either node killed, its part ended by
// a survivor while the other's goes on; a subscriber on a third node seeing both
// sides' events in order.

#include <gtest/gtest.h>
#include <signal.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/cluster/cluster_nodes.hpp"
#include "tests/support/error_envelope.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/metrics.hpp"
#include "tests/websocket/ws_test_support.hpp"

namespace chorus::test {
namespace {

class CrossNodeConference : public ClusterTest {
 protected:
  // What a call's conference_id reads when it is in none.
  static constexpr const char* no_conference = "00000000-0000-0000-0000-000000000000";
  // A timestamp not yet set (tm_end, tm_delete).
  static constexpr const char* not_set = "9999-01-01 00:00:00.000000";
  // Failover as failover_test.cpp has it: a lease of one second, so that a
  // survivor ends a dead node's resources within a few.
  static constexpr std::chrono::seconds ended_within{5};
  // What a node learns from another through NATS after that.
  static constexpr std::chrono::seconds told_within{10};

  const std::vector<std::string> leased = {"--lease-ms", "1000"};

  // Nodes A, B (and C, for three) on this test's cluster, with `extra` flags, and
  // customer A's REST clients on each.
  void start(std::size_t nodes, const std::vector<std::string>& extra = {}) {
    a = node("node-a", NatsServer::shared().url(), extra);
    b = node("node-b", NatsServer::shared().url(), extra);
    if (nodes > 2) c = node("node-c", NatsServer::shared().url(), extra);
    on_a = client(*a, key_a);
    on_b = client(*b, key_a);
    if (c) on_c = client(*c, key_a);
  }
  std::unique_ptr<ChorusdProcess> a, b, c;
  std::unique_ptr<HttpClient> on_a, on_b, on_c;

  static std::string conference_at(const std::string& id) { return "/v1.0/conferences/" + id; }
  static std::string participant_at(const std::string& id) { return "/v1.0/conferencecalls/" + id; }
  static std::string call_at(const std::string& id) { return "/v1.0/calls/" + id; }

  // A new conference of `api`'s customer on its node; its id.
  static std::string new_conference(HttpClient& api, const std::string& body = "{}") {
    auto created = api.post("/v1.0/conferences", body);
    EXPECT_EQ(created.status, 200u) << created.body;
    EXPECT_EQ(field(created.body, "status"), "progressing") << created.body;
    return field(created.body, "id");
  }

  // The strings of an array member of a JSON object (of its "data" for an event
  // frame, when `in_data`).
  static std::vector<std::string> strings_of(const std::string& json, const char* name,
                                             bool in_data = false) {
    std::vector<std::string> out;
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    if (!doc.IsObject()) return out;
    const rapidjson::Value* object = &doc;
    if (in_data) {
      auto data = doc.FindMember("data");
      if (data == doc.MemberEnd() || !data->value.IsObject()) return out;
      object = &data->value;
    }
    auto m = object->FindMember(name);
    if (m == object->MemberEnd() || !m->value.IsArray()) return out;
    for (auto& e : m->value.GetArray()) out.push_back(e.IsString() ? e.GetString() : "?");
    return out;
  }

  // A string member of an event frame's data, or "".
  static std::string event_data(const std::string& raw, const char* name) {
    rapidjson::Document doc;
    doc.Parse(raw.c_str(), raw.size());
    if (!doc.IsObject()) return {};
    auto data = doc.FindMember("data");
    return data == doc.MemberEnd() ? std::string() : wstest::member_string(data->value, name);
  }

  // The ids of the first page (100) of `api`'s customer's conferencecalls.
  static std::vector<std::string> listed_participants(HttpClient& api) {
    auto list = api.get("/v1.0/conferencecalls?page_size=100");
    EXPECT_EQ(list.status, 200u) << list.body;
    std::vector<std::string> ids;
    rapidjson::Document doc;
    doc.Parse(list.body.c_str(), list.body.size());
    if (!doc.IsObject() || !doc.HasMember("result") || !doc["result"].IsArray()) {
      ADD_FAILURE() << "not a list: " << list.body;
      return ids;
    }
    for (auto& item : doc["result"].GetArray()) {
      ids.push_back(wstest::member_string(item, "id"));
    }
    return ids;
  }

  // Polls GET `target` through `api` until its string `name` reads `expected`;
  // whether it did (a failure naming the last answer when not).
  static bool becomes(HttpClient& api, const std::string& target, const char* name,
                      const std::string& expected,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::string last;
    bool held = eventually(
        [&] {
          last = api.get(target).body;
          return field(last, name) == expected;
        },
        timeout, std::chrono::milliseconds(20));
    EXPECT_TRUE(held) << target << ": " << name << " never read \"" << expected
                      << "\"; last answer: " << last;
    return held;
  }

  // Polls the conference through `api` until its conferencecall_ids are `expected`.
  static bool roll_becomes(HttpClient& api, const std::string& conference_id,
                           const std::vector<std::string>& expected,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::string last;
    bool held = eventually(
        [&] {
          last = api.get(conference_at(conference_id)).body;
          return strings_of(last, "conferencecall_ids") == expected;
        },
        timeout, std::chrono::milliseconds(20));
    EXPECT_TRUE(held) << "conference " << conference_id << " never listed the " << expected.size()
                      << " expected participant(s); last answer: " << last;
    return held;
  }

  // Joins `call_id` to `conference_id` through `through`: the answer is joining,
  // for that call and conference; then waits, reading through `reader`, for
  // joined. The participant's id ("" when the join was refused).
  static std::string join_and_await(HttpClient& through, const std::string& conference_id,
                                    const std::string& call_id, HttpClient& reader) {
    auto joined = through.post("/v1.0/conferencecalls", join_body(conference_id, call_id));
    EXPECT_EQ(joined.status, 200u) << joined.body;
    if (joined.status != 200u) return {};
    EXPECT_EQ(field(joined.body, "status"), "joining") << joined.body;
    EXPECT_EQ(field(joined.body, "conference_id"), conference_id) << joined.body;
    EXPECT_EQ(field(joined.body, "reference_id"), call_id) << joined.body;
    const std::string id = field(joined.body, "id");
    becomes(reader, participant_at(id), "status", "joined");
    return id;
  }
};

// A join through a third node, read from every node; a kick through the
// conference's node, which the participant's node carries out; the kicked call
// goes on and joins again, through its own node.
TEST_F(CrossNodeConference, ACallOnBJoinsAConferenceOnAThroughCIsKickedThroughAAndJoinsAgain) {
  start(3);
  const std::vector<HttpClient*> everywhere = {on_a.get(), on_b.get(), on_c.get()};
  const std::string conference_id = new_conference(*on_a);
  const std::string call_id = answered_call(*on_b);
  ASSERT_FALSE(conference_id.empty() || call_id.empty());

  auto joined = on_c->post("/v1.0/conferencecalls", join_body(conference_id, call_id));
  ASSERT_EQ(joined.status, 200u) << "C handed the join on: " << joined.body;
  EXPECT_EQ(field(joined.body, "status"), "joining") << joined.body;
  EXPECT_EQ(field(joined.body, "customer_id"), customer_a) << joined.body;
  EXPECT_EQ(field(joined.body, "conference_id"), conference_id) << joined.body;
  EXPECT_EQ(field(joined.body, "reference_type"), "call") << joined.body;
  EXPECT_EQ(field(joined.body, "reference_id"), call_id) << joined.body;
  const std::string participant_id = field(joined.body, "id");
  ASSERT_FALSE(participant_id.empty()) << joined.body;
  ASSERT_NE(participant_id, no_conference) << joined.body;

  // Joined, on the conference's roll and in the call's conference_id, whichever
  // node reads it.
  for (auto* reader : everywhere) {
    becomes(*reader, participant_at(participant_id), "status", "joined");
    roll_becomes(*reader, conference_id, {participant_id});
    becomes(*reader, call_at(call_id), "conference_id", conference_id);
  }
  EXPECT_EQ(listed_participants(*on_c), std::vector<std::string>{participant_id});
  // A asked for the seat on NATS, and B (which runs the call) served it.
  auto on_a_metrics = scrape_metrics(a->port());
  auto on_b_metrics = scrape_metrics(b->port());
  EXPECT_EQ(on_a_metrics["chorus_cluster_conference_seats_requested_total"], 1);
  EXPECT_EQ(on_a_metrics["chorus_cluster_conference_requests_unanswered_total"], 0);
  EXPECT_GE(on_b_metrics["chorus_cluster_conference_requests_served_total"], 1);
  EXPECT_EQ(on_b_metrics["chorus_cluster_conference_messages_refused_total"], 0);
  EXPECT_EQ(field(on_b->get(call_at(call_id)).body, "status"), "progressing");

  // A kick through A (the participant runs on B).
  auto kicked = on_a->del(participant_at(participant_id));
  ASSERT_EQ(kicked.status, 200u) << kicked.body;
  EXPECT_EQ(field(kicked.body, "id"), participant_id) << kicked.body;
  const std::string kicked_status = field(kicked.body, "status");
  EXPECT_TRUE(kicked_status == "leaving" || kicked_status == "leaved") << kicked.body;
  for (auto* reader : everywhere) {
    becomes(*reader, participant_at(participant_id), "status", "leaved");
    roll_becomes(*reader, conference_id, {});
    becomes(*reader, call_at(call_id), "conference_id", no_conference);
  }
  EXPECT_EQ(field(on_c->get(call_at(call_id)).body, "status"), "progressing")
      << "a kicked call goes on";
  EXPECT_EQ(field(on_c->get(conference_at(conference_id)).body, "status"), "progressing");
  // Once is all a participant leaves, whichever node is asked again.
  expect_error(on_c->del(participant_at(participant_id)), 409, "CONFLICT", "leaved");

  // The call joins again, through its own node: a new participant.
  const std::string again = join_and_await(*on_b, conference_id, call_id, *on_a);
  ASSERT_FALSE(again.empty());
  EXPECT_NE(again, participant_id);
  roll_becomes(*on_c, conference_id, {again});
  becomes(*on_a, call_at(call_id), "conference_id", conference_id);
  EXPECT_EQ(listed_participants(*on_a).size(), 2u);
}

// The call's hangup, sent through a node that runs neither, takes its participant
// out of the conference on A; A's own participant stays.
// A groupcall made on B for A's conference (its conference_id extension): its
// winner joins as it answers, its participant beside it on B; a conference_id no
// node runs is refused at creation, as on one node.
TEST_F(CrossNodeConference, AGroupcallOnBForAConferenceOnAHasItsWinnerJoinIt) {
  start(2);
  const std::string conference_id = new_conference(*on_a);
  ASSERT_FALSE(conference_id.empty());

  auto created = on_b->post("/v1.0/groupcalls",
                            R"({"source":{"type":"tel","target":"+15550100"},)"
                            R"("destinations":[{"type":"endpoint","target":"desk@sim;answer=0"}],)"
                            R"("conference_id":")" +
                                conference_id + R"("})");
  ASSERT_EQ(created.status, 200u) << created.body;
  const auto calls = strings_of(created.body, "call_ids");
  ASSERT_EQ(calls.size(), 1u) << created.body;

  std::string last;
  ASSERT_TRUE(eventually(
      [&] {
        last = on_a->get(conference_at(conference_id)).body;
        return strings_of(last, "conferencecall_ids").size() == 1;
      },
      std::chrono::seconds(5)))
      << "the winner never joined: " << last;
  const std::string participant_id = strings_of(last, "conferencecall_ids").front();
  for (auto* reader : {on_a.get(), on_b.get()}) {
    becomes(*reader, participant_at(participant_id), "status", "joined");
    becomes(*reader, participant_at(participant_id), "reference_id", calls.front());
    becomes(*reader, call_at(calls.front()), "conference_id", conference_id);
  }

  auto refused =
      on_b->post("/v1.0/groupcalls", R"({"source":{"type":"tel","target":"+15550100"},)"
                                     R"("destinations":[{"type":"endpoint","target":"desk@sim"}],)"
                                     R"("conference_id":"4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})");
  expect_error(refused, 400, "INVALID_ARGUMENT", "conference_id");
}

TEST_F(CrossNodeConference, ARemoteCallsHangupThroughAnyNodeTakesItsParticipantOffTheRoll) {
  start(3);
  const std::string conference_id = new_conference(*on_a);
  const std::string stays =
      join_and_await(*on_a, conference_id, answered_call(*on_a, "stays"), *on_a);
  const std::string call_on_b = answered_call(*on_b, "goes");
  const std::string goes = join_and_await(*on_a, conference_id, call_on_b, *on_c);
  ASSERT_FALSE(stays.empty() || goes.empty());
  roll_becomes(*on_b, conference_id, {stays, goes});

  auto hung = on_c->post(call_at(call_on_b) + "/hangup");
  ASSERT_EQ(hung.status, 200u) << hung.body;
  becomes(*on_a, participant_at(goes), "status", "leaved");
  roll_becomes(*on_c, conference_id, {stays});
  roll_becomes(*on_a, conference_id, {stays});
  becomes(*on_a, call_at(call_on_b), "status", "hangup");
  EXPECT_EQ(field(on_b->get(conference_at(conference_id)).body, "status"), "progressing")
      << "a conference outlives a participant";
  EXPECT_EQ(field(on_b->get(participant_at(stays)).body, "status"), "joined");
}

// A connect conference between a call on A and a call on B: B's call hangs up,
// so the conference on A ends, A's participant made to leave, A's call still up.
TEST_F(CrossNodeConference, AConnectConferenceEndsWhenItsRemoteParticipantsCallHangsUp) {
  start(2);
  const std::string conference_id = new_conference(*on_a, R"({"type":"connect"})");
  const std::string call_on_a = answered_call(*on_a, "one");
  const std::string call_on_b = answered_call(*on_b, "two");
  const std::string local = join_and_await(*on_b, conference_id, call_on_a, *on_a);
  const std::string remote = join_and_await(*on_a, conference_id, call_on_b, *on_b);
  ASSERT_FALSE(local.empty() || remote.empty());
  roll_becomes(*on_b, conference_id, {local, remote});

  auto hung = on_a->post(call_at(call_on_b) + "/hangup");
  ASSERT_EQ(hung.status, 200u) << hung.body;
  ASSERT_TRUE(becomes(*on_b, conference_at(conference_id), "status", "terminated"));
  auto ended = on_b->get(conference_at(conference_id)).body;
  EXPECT_TRUE(strings_of(ended, "conferencecall_ids").empty()) << ended;
  EXPECT_NE(field(ended, "tm_end"), not_set) << ended;
  EXPECT_EQ(field(ended, "tm_delete"), not_set) << "ended, not deleted: " << ended;
  for (auto* reader : {on_a.get(), on_b.get()}) {
    becomes(*reader, participant_at(remote), "status", "leaved");
    becomes(*reader, participant_at(local), "status", "leaved");
  }
  // A's call was made to leave, not hung up; B's is over.
  becomes(*on_b, call_at(call_on_a), "conference_id", no_conference);
  EXPECT_EQ(field(on_b->get(call_at(call_on_a)).body, "status"), "progressing");
  becomes(*on_a, call_at(call_on_b), "status", "hangup");
}

// DELETE of the conference through a third node: A ends it, B's participant
// leaves, and B's call goes on, free to join a conference C runs.
TEST_F(CrossNodeConference, DeletingTheConferenceThroughAnyNodeEndsTheRemoteParticipantOnly) {
  start(3);
  const std::string conference_id = new_conference(*on_a);
  const std::string call_id = answered_call(*on_b);
  const std::string participant_id = join_and_await(*on_b, conference_id, call_id, *on_c);
  ASSERT_FALSE(participant_id.empty());
  roll_becomes(*on_c, conference_id, {participant_id});

  auto deleted = on_c->del(conference_at(conference_id));
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_EQ(field(deleted.body, "id"), conference_id) << deleted.body;
  EXPECT_NE(field(deleted.body, "status"), "progressing") << deleted.body;

  for (auto* reader : {on_a.get(), on_b.get(), on_c.get()}) {
    becomes(*reader, participant_at(participant_id), "status", "leaved");
    becomes(*reader, conference_at(conference_id), "status", "terminated");
    becomes(*reader, call_at(call_id), "conference_id", no_conference);
  }
  auto read = on_b->get(conference_at(conference_id)).body;
  EXPECT_NE(field(read, "tm_delete"), not_set) << read;
  EXPECT_TRUE(strings_of(read, "conferencecall_ids").empty()) << read;
  EXPECT_EQ(field(on_c->get(call_at(call_id)).body, "status"), "progressing")
      << "the conference's end leaves its calls up";

  // Free again: it joins a conference C runs, through A.
  const std::string elsewhere = new_conference(*on_c);
  const std::string seated = join_and_await(*on_a, elsewhere, call_id, *on_b);
  EXPECT_FALSE(seated.empty());
  roll_becomes(*on_a, elsewhere, {seated});
}

// Another customer's key reaches nothing of customer A's through any node, and
// a refused join leaves nothing behind.
TEST_F(CrossNodeConference, AnotherCustomersJoinIsNotFoundThroughEveryNodeAndChangesNothing) {
  start(3);
  auto b_on_a = client(*a, key_b);
  auto b_on_b = client(*b, key_b);
  const std::string conference_id = new_conference(*on_a);  // A's, on node A
  const std::string call_id = answered_call(*on_b);         // A's, on node B
  const std::string conference_of_b = new_conference(*b_on_a);
  const std::string call_of_b = answered_call(*b_on_b);
  ASSERT_FALSE(conference_id.empty() || call_id.empty() || conference_of_b.empty() ||
               call_of_b.empty());

  for (const auto* through : {a.get(), b.get(), c.get()}) {
    SCOPED_TRACE("through the node on port " + std::to_string(through->port()));
    auto as_b = client(*through, key_b);
    auto as_a = client(*through, key_a);
    // B's key, A's call, A's conference: the conference is not B's.
    expect_error(as_b->post("/v1.0/conferencecalls", join_body(conference_id, call_id)), 404,
                 "CONFERENCE_NOT_FOUND", "conference");
    // B's own conference, A's call: the call is not B's.
    expect_error(as_b->post("/v1.0/conferencecalls", join_body(conference_of_b, call_id)), 404,
                 "CALL_NOT_FOUND", "call");
    // A's conference, B's call, A's key: the call is not A's.
    expect_error(as_a->post("/v1.0/conferencecalls", join_body(conference_id, call_of_b)), 404,
                 "CALL_NOT_FOUND", "call");
  }

  auto b_on_c = client(*c, key_b);
  EXPECT_EQ(field(on_c->get(call_at(call_id)).body, "conference_id"), no_conference);
  EXPECT_EQ(field(b_on_c->get(call_at(call_of_b)).body, "conference_id"), no_conference);
  EXPECT_TRUE(
      strings_of(on_c->get(conference_at(conference_id)).body, "conferencecall_ids").empty());
  EXPECT_TRUE(
      strings_of(b_on_c->get(conference_at(conference_of_b)).body, "conferencecall_ids").empty());
  EXPECT_TRUE(listed_participants(*on_c).empty());
  EXPECT_TRUE(listed_participants(*b_on_c).empty());
  // Nothing of a refusal held the call: it joins its own customer's conference.
  const std::string participant_id = join_and_await(*on_c, conference_id, call_id, *on_a);
  EXPECT_FALSE(participant_id.empty());
  roll_becomes(*on_a, conference_id, {participant_id});
  EXPECT_TRUE(listed_participants(*b_on_c).empty());
}

// Node B, which runs the call and its participant, is killed: a survivor ends
// both (leaved, hangup failed) within the lease and a margin, and the conference
// on A drops the participant and goes on with A's own.
TEST_F(CrossNodeConference, TheCallsNodeKilledHasItsParticipantEndedAndTheConferenceGoesOn) {
  start(3, leased);
  const std::string conference_id = new_conference(*on_a);
  const std::string stays =
      join_and_await(*on_a, conference_id, answered_call(*on_a, "stays"), *on_a);
  const std::string call_on_b = answered_call(*on_b, "dies");
  const std::string remote = join_and_await(*on_c, conference_id, call_on_b, *on_a);
  ASSERT_FALSE(stays.empty() || remote.empty());
  roll_becomes(*on_c, conference_id, {stays, remote});

  b->expect_clean_exit(false);
  b->signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  auto status = b->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status && status->signaled && status->signal == SIGKILL);

  ASSERT_TRUE(
      becomes(*on_c, participant_at(remote), "status", "leaved", ended_within + ended_within))
      << "no survivor ended B's participant";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed);
  RecordProperty("participant_leaved_after_kill_ms", std::to_string(took.count()));
  EXPECT_LT(took, ended_within) << "B's participant was ended " << took.count()
                                << " ms after the kill";
  auto call = on_a->get(call_at(call_on_b)).body;
  EXPECT_EQ(field(call, "status"), "hangup") << call;
  EXPECT_EQ(field(call, "hangup_reason"), "failed") << call;

  // A learns its participant is gone; the conference goes on with A's own.
  roll_becomes(*on_a, conference_id, {stays}, told_within);
  roll_becomes(*on_c, conference_id, {stays}, told_within);
  EXPECT_EQ(field(on_c->get(conference_at(conference_id)).body, "status"), "progressing");
  EXPECT_EQ(field(on_a->get(participant_at(stays)).body, "status"), "joined");
}

// Node A, which runs the conference, is killed: a survivor terminates it, B's
// participant leaves, and B's call goes on, free to join another conference.
TEST_F(CrossNodeConference, TheConferencesNodeKilledHasItEndedAndTheRemoteCallStaysUp) {
  start(3, leased);
  const std::string conference_id = new_conference(*on_a);
  const std::string call_id = answered_call(*on_b);
  const std::string participant_id = join_and_await(*on_b, conference_id, call_id, *on_c);
  ASSERT_FALSE(participant_id.empty());
  roll_becomes(*on_c, conference_id, {participant_id});

  a->expect_clean_exit(false);
  a->signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  auto status = a->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status && status->signaled && status->signal == SIGKILL);

  ASSERT_TRUE(becomes(*on_c, conference_at(conference_id), "status", "terminated",
                      ended_within + ended_within))
      << "no survivor ended A's conference";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed);
  RecordProperty("conference_terminated_after_kill_ms", std::to_string(took.count()));
  EXPECT_LT(took, ended_within) << "A's conference was ended " << took.count()
                                << " ms after the kill";

  for (auto* reader : {on_b.get(), on_c.get()}) {
    becomes(*reader, participant_at(participant_id), "status", "leaved", told_within);
    becomes(*reader, call_at(call_id), "conference_id", no_conference, told_within);
  }
  auto call = on_c->get(call_at(call_id)).body;
  EXPECT_EQ(field(call, "status"), "progressing") << "B's call outlives A: " << call;

  // Free: it joins a conference C runs.
  const std::string elsewhere = new_conference(*on_c);
  const std::string seated = join_and_await(*on_b, elsewhere, call_id, *on_c);
  EXPECT_FALSE(seated.empty());
}

// A subscriber on C gets the participant's events (published by B, which runs
// it) and the conference's (published by A), each resource's in order.
TEST_F(CrossNodeConference, ASubscriberOnCGetsBothSidesEventsInOrderPerResource) {
  start(3);
  const std::string call_id = answered_call(*on_b);
  auto watcher = wstest::open_client(
      c->port(), key_a,
      {wstest::topic(customer_a, "conference"), wstest::topic(customer_a, "conferencecall")});
  const std::string conference_id = new_conference(*on_a);
  auto joined = on_a->post("/v1.0/conferencecalls", join_body(conference_id, call_id));
  ASSERT_EQ(joined.status, 200u) << joined.body;
  const std::string participant_id = field(joined.body, "id");

  auto names_it = [&](const wstest::Frame& f) {
    auto roll = strings_of(f.raw, "conferencecall_ids", true);
    return std::find(roll.begin(), roll.end(), participant_id) != roll.end();
  };
  auto count = [](const std::vector<wstest::Frame>& frames, const std::string& type,
                  const std::string& id, const std::function<bool(const wstest::Frame&)>& also) {
    std::size_t n = 0;
    for (const auto& f : frames) n += f.type == type && f.id == id && (!also || also(f));
    return n;
  };
  auto in = wstest::collect(
      *watcher,
      [&](const std::vector<wstest::Frame>& frames) {
        return count(frames, "conferencecall_joined", participant_id, nullptr) > 0 &&
               count(frames, "conference_updated", conference_id, names_it) > 0;
      },
      std::chrono::seconds(10));
  ASSERT_GT(count(in, "conferencecall_joined", participant_id, nullptr), 0u)
      << "no conferencecall_joined reached C";
  ASSERT_GT(count(in, "conference_updated", conference_id, names_it), 0u)
      << "no conference_updated naming the participant reached C";

  // The participant leaves, kicked through its own node.
  auto kicked = on_b->del(participant_at(participant_id));
  ASSERT_EQ(kicked.status, 200u) << kicked.body;
  auto out = wstest::collect(
      *watcher,
      [&](const std::vector<wstest::Frame>& frames) {
        return count(frames, "conferencecall_leaved", participant_id, nullptr) > 0 &&
               count(frames, "conference_updated", conference_id,
                     [&](const wstest::Frame& f) { return !names_it(f); }) > 0;
      },
      std::chrono::seconds(10));
  auto frames = in;
  frames.insert(frames.end(), out.begin(), out.end());
  auto late = wstest::drain(*watcher);
  frames.insert(frames.end(), late.begin(), late.end());
  wstest::expect_seq_continuous(frames);

  // The participant's: its four, in order, each for the conference; the
  // conference's: created, then updates whose roll goes [] -> [it] -> [].
  std::vector<std::string> participant_events, rolls;
  for (const auto& f : frames) {
    ASSERT_TRUE(f.is_event()) << f.raw;
    if (f.id == participant_id) {
      participant_events.push_back(f.type + "/" + f.status);
      EXPECT_EQ(event_data(f.raw, "conference_id"), conference_id) << f.raw;
    } else {
      ASSERT_EQ(f.id, conference_id) << "an event of neither: " << f.raw;
      EXPECT_EQ(f.type.rfind("conference_", 0), 0u) << f.raw;
      const std::string roll = names_it(f) ? "[participant]" : "[]";
      if (rolls.empty()) {
        EXPECT_EQ(f.type, "conference_created") << f.raw;
      } else {
        EXPECT_EQ(f.type, "conference_updated") << f.raw;
      }
      EXPECT_EQ(f.status, "progressing") << f.raw;
      if (rolls.empty() || rolls.back() != roll) rolls.push_back(roll);
    }
  }
  EXPECT_EQ(
      participant_events,
      (std::vector<std::string>{"conferencecall_joining/joining", "conferencecall_joined/joined",
                                "conferencecall_leaving/leaving", "conferencecall_leaved/leaved"}));
  EXPECT_EQ(rolls, (std::vector<std::string>{"[]", "[participant]", "[]"}));
}

}  // namespace
}  // namespace chorus::test
