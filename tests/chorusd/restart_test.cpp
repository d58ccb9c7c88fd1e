// chorusd stopped with SIGTERM and started again on the same --data-dir: every
// ended groupcall and call reads byte for byte the same, by id and in the lists;
// what was live at the stop was ended by the shutdown; agents and extensions come
// back and still ring; and 10,000 groupcalls page the same way before and after.

#include <gtest/gtest.h>

#include <algorithm>

#include "store_fixture.hpp"

namespace chorus::test {
namespace {

class Restart : public StoreApiTest {
 protected:
  // Every groupcall and call of a groupcall tree, as GET targets.
  std::vector<std::string> tree(const std::string& groupcall_id) {
    std::vector<std::string> targets{"/v1.0/groupcalls/" + groupcall_id};
    auto gc = groupcall(*a, groupcall_id);
    for (auto& call_id : strings(gc, "call_ids")) targets.push_back("/v1.0/calls/" + call_id);
    for (auto& nested : strings(gc, "groupcall_ids")) {
      auto more = tree(nested);
      targets.insert(targets.end(), more.begin(), more.end());
    }
    return targets;
  }

  // Hangs a groupcall up through the API and waits until it and its tree have ended.
  void hang_up(const std::string& id) {
    ASSERT_EQ(a->post("/v1.0/groupcalls/" + id + "/hangup").status, 200u);
    auto ended = await_groupcall(*a, id, has_status("hangup"));
    for (auto& nested : strings(ended, "groupcall_ids")) {
      await_groupcall(*a, nested, has_status("hangup"));
    }
    for (auto& call_id : strings(ended, "call_ids")) await_call(*a, call_id, has_status("hangup"));
  }
};

TEST_F(Restart, EveryResourceReadsTheSameAndTheDirectoryStillRings) {
  auto agent = create_agent(
      *a, agent_body("Alice", {endpoint("alice@sim"), endpoint("alice-desk@sim")}, "ring_all"));
  auto agent_id = str(agent, "id");
  auto extension =
      create_extension(*a, extension_body("Front desk", "2001", {endpoint("d1@sim;ring=5")}));
  auto extension_id = str(extension, "id");

  // Answered, then hung up by the callee; the other leg cancelled.
  auto answered =
      str(create_groupcall(
              *a, groupcall_body({endpoint("won@sim;answer=20;hangup=40"), endpoint("lost@sim")})),
          "id");
  // Nested through the agent and the extension, hung up through the API while ringing.
  auto nested =
      str(create_groupcall(*a, groupcall_body({agent_destination(agent_id),
                                               extension_number("2001"), endpoint("direct@sim")})),
          "id");
  auto nested_gc = groupcall(*a, nested);
  ASSERT_EQ(strings(nested_gc, "groupcall_ids").size(), 2u) << "agent and extension nest";
  // Rang, then hung up through the API.
  auto rang = str(create_groupcall(*a, groupcall_body({endpoint("rang@sim;ring=5")})), "id");
  await_call(*a, strings(groupcall(*a, rang), "call_ids").at(0), has_status("ringing"));
  hang_up(rang);
  hang_up(nested);
  await_groupcall(*a, answered, has_status("hangup"));

  // Customer B's groupcall is still ringing when chorusd stops.
  auto ringing = create_groupcall(*b, groupcall_body({endpoint("left@sim")}));
  auto ringing_id = str(ringing, "id");
  auto ringing_call = strings(ringing, "call_ids").at(0);
  await_call(*b, ringing_call, has_status("ringing"));
  auto ringing_before = groupcall(*b, ringing_id);

  std::vector<std::string> targets{"/v1.0/groupcalls",
                                   "/v1.0/calls",
                                   "/v1.0/agents",
                                   "/v1.0/extensions",
                                   "/v1.0/groupcalls?page_size=2",
                                   "/v1.0/agents/" + agent_id,
                                   "/v1.0/extensions/" + extension_id};
  for (auto& id : {answered, nested, rang}) {
    auto more = tree(id);
    targets.insert(targets.end(), more.begin(), more.end());
  }
  ASSERT_GE(targets.size(), 7u + 3 + 6 + 2);
  auto before = bodies(*a, targets);

  restart();

  auto after = bodies(*a, targets);
  for (auto& target : targets) EXPECT_EQ(after[target], before[target]) << target;

  // What was live at the stop was hung up by the shutdown, and that reached the disk:
  // recovery found nothing to end (it would have said hangup_reason "failed").
  auto ended = groupcall(*b, ringing_id);
  EXPECT_EQ(str(ended, "status"), "hangup");
  for (auto* field : {"tm_create", "ring_method", "answer_call_id"}) {
    EXPECT_EQ(str(ended, field), str(ringing_before, field)) << field;
  }
  EXPECT_EQ(strings(ended, "call_ids"), strings(ringing_before, "call_ids"));
  auto ended_call = call(*b, ringing_call);
  EXPECT_EQ(str(ended_call, "status"), "hangup");
  EXPECT_EQ(str(ended_call, "hangup_by"), "local");
  EXPECT_NE(str(ended_call, "hangup_reason"), "failed") << "the shutdown's hangup was lost";
  EXPECT_NE(str(ended_call, "tm_hangup"), not_yet);
  // Customers stay apart after a restart.
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/groupcalls"))), std::vector<std::string>{ringing_id});
  auto a_groupcalls = ids_of(ok(a->get("/v1.0/groupcalls")));
  EXPECT_EQ(std::count(a_groupcalls.begin(), a_groupcalls.end(), ringing_id), 0);

  // The restored directory is what a new groupcall rings.
  auto to_agent = create_groupcall(*a, groupcall_body({agent_destination(agent_id)}));
  auto agent_tree = groupcall(*a, strings(to_agent, "groupcall_ids").at(0));
  ASSERT_EQ(agent_tree["destinations"].Size(), 2u);
  EXPECT_EQ(str(agent_tree["destinations"][0], "target"), "alice@sim");
  EXPECT_EQ(str(agent_tree["destinations"][1], "target"), "alice-desk@sim");
  for (auto& call_id : strings(agent_tree, "call_ids")) {
    await_call(*a, call_id, has_status("ringing"));
  }
  auto to_extension = create_groupcall(*a, groupcall_body({extension_number("2001")}));
  auto extension_tree = groupcall(*a, strings(to_extension, "groupcall_ids").at(0));
  EXPECT_EQ(str(extension_tree["destinations"][0], "target"), "d1@sim;ring=5");
  await_call(*a, strings(extension_tree, "call_ids").at(0), has_status("ringing"));
  // And they can still be changed.
  auto renamed =
      ok(a->put("/v1.0/agents/" + agent_id, agent_body("Alice B.", {endpoint("x@sim")})));
  EXPECT_EQ(str(renamed, "tm_create"), str(agent, "tm_create"));
}

// 10,000 ended groupcalls of one customer, created by four clients at once.
class RestartPaging : public Restart {
 protected:
  std::vector<std::string> store_flags() override { return {"--sync", "normal"}; }

  struct Walk {
    std::vector<std::string> ids;
    std::vector<std::string> created;
  };

  Walk walk() {
    Walk w;
    std::string token;
    for (int page = 0; page < 200; ++page) {
      auto target = std::string("/v1.0/groupcalls?page_size=100");
      if (!token.empty()) target += "&page_token=" + token.replace(token.find(' '), 1, "%20");
      auto list = ok(a->get(target));
      for (auto& item : list["result"].GetArray()) {
        w.ids.push_back(str(item, "id"));
        w.created.push_back(str(item, "tm_create"));
      }
      token = str(list, "next_page_token");
      if (token.empty()) break;
    }
    return w;
  }
};

TEST_F(RestartPaging, TenThousandGroupcallsWalkTheSameBeforeAndAfter) {
  constexpr int clients = 4, each = 2500;
  std::mutex mutex;
  std::set<std::string> created;
  side_by_side(clients, [&](int) {
    auto c = client_for(key_a);
    std::vector<std::string> mine;
    for (int i = 0; i < each; ++i) {
      auto r = c->post("/v1.0/groupcalls", groupcall_body({endpoint("p@sim;busy=0")}));
      if (r.status != 200u) {
        ADD_FAILURE() << r.status << " " << r.body;
        return;
      }
      mine.push_back(str(parse_json(r.body), "id"));
    }
    std::lock_guard<std::mutex> guard(mutex);
    created.insert(mine.begin(), mine.end());
  });
  ASSERT_EQ(created.size(), std::size_t{clients * each});

  auto first = walk();
  EXPECT_EQ(std::set<std::string>(first.ids.begin(), first.ids.end()), created);
  EXPECT_EQ(first.ids.size(), created.size()) << "an id came twice";
  for (std::size_t i = 1; i < first.created.size(); ++i) {
    ASSERT_LT(first.created[i], first.created[i - 1]) << "not strictly newest first at " << i;
  }

  restart();
  auto second = walk();
  EXPECT_EQ(second.ids, first.ids);
  EXPECT_EQ(second.created, first.created);
}

}  // namespace
}  // namespace chorus::test
