// Agents and extensions: create, list, get, update (PUT) and delete.

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Directory : public ApiTest {};

TEST_F(Directory, AgentLifecycle) {
  auto created = create_agent(
      *a, agent_body("Alice", {endpoint("alice@sim"), address("tel", "+15550002")}, "linear"));
  auto id = str(created, "id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(str(created, "customer_id"), customer_a);
  EXPECT_EQ(str(created, "name"), "Alice");
  EXPECT_EQ(str(created, "ring_method"), "linear");
  ASSERT_EQ(created["addresses"].Size(), 2u);
  EXPECT_EQ(str(created["addresses"][1], "type"), "tel");
  EXPECT_EQ(str(created["addresses"][1], "target"), "+15550002");
  EXPECT_NE(str(created, "tm_create"), not_yet);
  EXPECT_EQ(str(created, "tm_update"), not_yet);
  EXPECT_EQ(str(created, "tm_delete"), not_yet);

  auto second = create_agent(*a, agent_body("Bob", {endpoint("bob@sim")}));
  EXPECT_NE(str(second, "id"), id);
  EXPECT_EQ(str(second, "ring_method"), "");
  auto list = ok(a->get("/v1.0/agents"));
  EXPECT_EQ(ids_of(list), (std::vector<std::string>{str(second, "id"), id}));  // newest first

  auto read = ok(a->get("/v1.0/agents/" + id));
  EXPECT_EQ(str(read, "name"), "Alice");
  EXPECT_EQ(str(read, "tm_create"), str(created, "tm_create"));

  // PUT replaces it, keeping its id and tm_create.
  auto updated = ok(a->put("/v1.0/agents/" + id,
                           agent_body("Alice B.", {endpoint("alice-new@sim")}, "ring_all")));
  EXPECT_EQ(str(updated, "id"), id);
  EXPECT_EQ(str(updated, "name"), "Alice B.");
  EXPECT_EQ(str(updated, "ring_method"), "ring_all");
  ASSERT_EQ(updated["addresses"].Size(), 1u);
  EXPECT_EQ(str(updated["addresses"][0], "target"), "alice-new@sim");
  EXPECT_EQ(str(updated, "tm_create"), str(created, "tm_create"));
  EXPECT_NE(str(updated, "tm_update"), not_yet);
  EXPECT_EQ(str(ok(a->get("/v1.0/agents/" + id)), "name"), "Alice B.");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/agents"))).size(), 2u);  // updated, not added

  // The update is what a groupcall now rings.
  auto gc = create_groupcall(*a, groupcall_body({agent_destination(id)}));
  auto nested = groupcall(*a, strings(gc, "groupcall_ids")[0]);
  EXPECT_EQ(str(nested["destinations"][0], "target"), "alice-new@sim");
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(gc, "id") + "/hangup").status, 200u);

  auto deleted = ok(a->del("/v1.0/agents/" + id));
  EXPECT_EQ(str(deleted, "id"), id);
  EXPECT_NE(str(deleted, "tm_delete"), not_yet);
  expect_error(a->get("/v1.0/agents/" + id), 404, "AGENT_NOT_FOUND", "agent");
  expect_error(a->del("/v1.0/agents/" + id), 404, "AGENT_NOT_FOUND", "agent");
  expect_error(a->put("/v1.0/agents/" + id, agent_body("x", {})), 404, "AGENT_NOT_FOUND", "agent");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/agents"))), std::vector<std::string>{str(second, "id")});
  // A deleted agent can no longer be rung.
  expect_error(a->post("/v1.0/groupcalls", groupcall_body({agent_destination(id)})), 400,
               "INVALID_ARGUMENT", "destinations[0].target");
}

TEST_F(Directory, ExtensionLifecycle) {
  auto created = create_extension(
      *a, extension_body("Front desk", "2001", {endpoint("d1@sim"), endpoint("d2@sim")}));
  auto id = str(created, "id");
  EXPECT_EQ(str(created, "customer_id"), customer_a);
  EXPECT_EQ(str(created, "name"), "Front desk");
  EXPECT_EQ(str(created, "extension"), "2001");
  ASSERT_EQ(created["contacts"].Size(), 2u);
  EXPECT_NE(str(created, "tm_create"), not_yet);
  EXPECT_EQ(str(created, "tm_update"), not_yet);

  auto other = create_extension(*a, extension_body("Back office", "2002", {}));
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extensions"))),
            (std::vector<std::string>{str(other, "id"), id}));
  EXPECT_EQ(str(ok(a->get("/v1.0/extensions/" + id)), "extension"), "2001");

  // The number is unique per customer.
  expect_error(a->post("/v1.0/extensions", extension_body("Dup", "2001", {})), 409, "CONFLICT",
               "2001");
  expect_error(a->put("/v1.0/extensions/" + str(other, "id"), extension_body("Dup", "2001", {})),
               409, "CONFLICT", "2001");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extensions"))).size(), 2u);

  auto updated = ok(
      a->put("/v1.0/extensions/" + id, extension_body("Reception", "2101", {endpoint("r1@sim")})));
  EXPECT_EQ(str(updated, "id"), id);
  EXPECT_EQ(str(updated, "name"), "Reception");
  EXPECT_EQ(str(updated, "extension"), "2101");
  EXPECT_EQ(str(updated, "tm_create"), str(created, "tm_create"));
  EXPECT_NE(str(updated, "tm_update"), not_yet);
  ASSERT_EQ(updated["contacts"].Size(), 1u);
  // The old number is free again; the new one rings the new contacts.
  expect_error(a->post("/v1.0/groupcalls", groupcall_body({extension_number("2001")})), 400,
               "INVALID_ARGUMENT", "unknown extension 2001");
  auto gc = create_groupcall(*a, groupcall_body({extension_number("2101")}));
  auto nested = groupcall(*a, strings(gc, "groupcall_ids")[0]);
  EXPECT_EQ(str(nested["destinations"][0], "target"), "r1@sim");
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(gc, "id") + "/hangup").status, 200u);

  auto deleted = ok(a->del("/v1.0/extensions/" + id));
  EXPECT_NE(str(deleted, "tm_delete"), not_yet);
  expect_error(a->get("/v1.0/extensions/" + id), 404, "EXTENSION_NOT_FOUND", "extension");
  expect_error(a->del("/v1.0/extensions/" + id), 404, "EXTENSION_NOT_FOUND", "extension");
  expect_error(a->put("/v1.0/extensions/" + id, extension_body("x", "9", {})), 404, "EXTENSION_NOT_FOUND",
               "extension");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/extensions"))), std::vector<std::string>{str(other, "id")});
}

TEST_F(Directory, AnExtensionWithoutContactsEndsAtOnce) {
  create_extension(*a, extension_body("Empty", "4000", {}));
  auto gc = create_groupcall(*a, groupcall_body({extension_number("4000")}));
  auto nested = strings(gc, "groupcall_ids");
  ASSERT_EQ(nested.size(), 1u);
  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
  EXPECT_EQ(str(groupcall(*a, nested[0]), "status"), "hangup");
}

}  // namespace
}  // namespace chorus::test
