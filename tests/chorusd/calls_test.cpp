// The call endpoints: list, get, hangup and delete of single legs.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Calls : public ApiTest {};

TEST_F(Calls, ListAndGetShowEveryLegNewestFirst) {
  auto first = create_groupcall(*a, groupcall_body({endpoint("a@sim"), endpoint("b@sim")}));
  auto second = create_groupcall(*a, groupcall_body({endpoint("c@sim;busy=0")}));
  auto first_ids = strings(first, "call_ids");
  auto second_ids = strings(second, "call_ids");

  auto list = ok(a->get("/v1.0/calls"));
  EXPECT_EQ(ids_of(list), (std::vector<std::string>{second_ids[0], first_ids[1], first_ids[0]}));
  EXPECT_EQ(str(list, "next_page_token"), str(list["result"][2], "tm_create"));
  for (auto& item : list["result"].GetArray()) {
    EXPECT_EQ(str(item, "customer_id"), customer_a);
    auto by_id = call(*a, str(item, "id"));
    EXPECT_EQ(str(by_id, "groupcall_id"), str(item, "groupcall_id"));
    EXPECT_EQ(str(by_id["destination"], "target"), str(item["destination"], "target"));
  }
  auto leg = call(*a, first_ids[1]);
  EXPECT_EQ(str(leg, "groupcall_id"), str(first, "id"));
  EXPECT_EQ(str(leg["destination"], "type"), "endpoint");
  EXPECT_EQ(str(leg["destination"], "target"), "b@sim");
  EXPECT_EQ(str(leg, "direction"), "outgoing");
  EXPECT_EQ(str(leg, "tm_delete"), not_yet);

  auto one = ok(a->get("/v1.0/calls?page_size=1"));
  EXPECT_EQ(ids_of(one), std::vector<std::string>{second_ids[0]});
  EXPECT_NE(str(one, "next_page_token"), "");
}

TEST_F(Calls, HangupEndsOneLegAndTheGroupcallRingsOn) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim"), endpoint("b@sim")}));
  auto ids = strings(gc, "call_ids");
  await_call(*a, ids[0], has_status("ringing"));
  auto hung = a->post("/v1.0/calls/" + ids[0] + "/hangup");
  ASSERT_EQ(hung.status, 200u) << hung.body;
  auto answer = parse_json(hung.body);
  EXPECT_EQ(str(answer, "id"), ids[0]);
  EXPECT_EQ(str(answer, "status"), "hangup");
  EXPECT_EQ(str(answer, "hangup_reason"), "cancel");
  EXPECT_EQ(str(answer, "hangup_by"), "local");

  auto gc_after = await_groupcall(*a, str(gc, "id"),
                                  [](const Json& g) { return integer(g, "call_count") == 1; });
  EXPECT_EQ(str(gc_after, "status"), "progressing");
  EXPECT_EQ(str(call(*a, ids[1]), "status"), "ringing");

  // Hanging up an ended leg changes nothing.
  auto again = a->post("/v1.0/calls/" + ids[0] + "/hangup");
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(str(parse_json(again.body), "tm_hangup"), str(answer, "tm_hangup"));

  // The last leg hung up ends the groupcall.
  ASSERT_EQ(a->post("/v1.0/calls/" + ids[1] + "/hangup").status, 200u);
  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
}

TEST_F(Calls, HangupOfAnAnsweredLegIsANormalLocalHangup) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim;answer=0")}));
  auto id = strings(gc, "call_ids")[0];
  // Once the groupcall took the answer: before that, a hangup ends it as a late answer.
  await_groupcall(*a, str(gc, "id"), [&](const Json& g) { return str(g, "answer_call_id") == id; });
  auto hung = a->post("/v1.0/calls/" + id + "/hangup");
  ASSERT_EQ(hung.status, 200u) << hung.body;
  EXPECT_EQ(str(parse_json(hung.body), "hangup_reason"), "normal");
  EXPECT_EQ(str(parse_json(hung.body), "hangup_by"), "local");
  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
}

TEST_F(Calls, DeleteHangsUpStampsTmDeleteAndDropsItFromTheList) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim"), endpoint("b@sim;busy=0")}));
  auto ids = strings(gc, "call_ids");
  await_call(*a, ids[1], has_status("hangup"));
  await_call(*a, ids[0], has_status("ringing"));

  // A live leg: hung up, then deleted.
  auto deleted = a->del("/v1.0/calls/" + ids[0]);
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  auto d = parse_json(deleted.body);
  EXPECT_EQ(str(d, "status"), "hangup");
  EXPECT_EQ(str(d, "hangup_reason"), "cancel");
  EXPECT_NE(str(d, "tm_delete"), not_yet);
  // An ended one: deleted at once.
  auto deleted_ended = a->del("/v1.0/calls/" + ids[1]);
  ASSERT_EQ(deleted_ended.status, 200u) << deleted_ended.body;
  EXPECT_NE(str(parse_json(deleted_ended.body), "tm_delete"), not_yet);

  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/calls"))).empty());
  EXPECT_EQ(str(call(*a, ids[0]), "tm_delete"), str(d, "tm_delete"));
  // Deleting again changes nothing.
  auto again = a->del("/v1.0/calls/" + ids[0]);
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(str(parse_json(again.body), "tm_delete"), str(d, "tm_delete"));
  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
}

TEST_F(Calls, UnknownCallsAreNotFound) {
  expect_error(a->get("/v1.0/calls/" + random_id), 404, "CALL_NOT_FOUND", "call");
  expect_error(a->post("/v1.0/calls/" + random_id + "/hangup"), 404, "CALL_NOT_FOUND", "call");
  expect_error(a->del("/v1.0/calls/" + random_id), 404, "CALL_NOT_FOUND", "call");
  // A groupcall's id is not a call's.
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim;busy=0")}));
  expect_error(a->get("/v1.0/calls/" + str(gc, "id")), 404, "CALL_NOT_FOUND");
  expect_error(a->get("/v1.0/groupcalls/" + strings(gc, "call_ids")[0]), 404,
               "GROUPCALL_NOT_FOUND");
}

}  // namespace
}  // namespace chorus::test
