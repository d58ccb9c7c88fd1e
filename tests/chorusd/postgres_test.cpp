// chorusd with --postgres: the same durable contract as on SQLite, over a real
// PostgreSQL 15 the test starts on loopback. What was acknowledged survives a
// restart and a kill -9 (and what was live is ended by recovery); while
// PostgreSQL is down, writes answer 503 and reads that need it fail as clearly,
// /health says so, and everything resumes by itself once it is back.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>

#include "store_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace chorus::test {
namespace {

// What the database itself holds: the count `sql` answers.
long long count_in(const std::string& url, const std::string& sql) {
  PGconn* db = PQconnectdb(url.c_str());
  long long count = -1;
  if (PQstatus(db) == CONNECTION_OK) {
    PGresult* r = PQexec(db, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
      count = std::atoll(PQgetvalue(r, 0, 0));
    } else {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    }
    PQclear(r);
  } else {
    ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(db);
  }
  PQfinish(db);
  return count;
}

// chorusd on a fresh database of the binary's shared PostgreSQL.
class OnPostgres : public StoreApiTest {
 protected:
  std::vector<std::string> store_flags() override { return {"--postgres", url}; }
  std::string url = PostgresServer::shared().create_database();
};

TEST_F(OnPostgres, WhatWasAcknowledgedIsInPostgresAndSurvivesARestart) {
  auto ended = create_groupcall(*a, groupcall_body({endpoint("gone@sim;busy=0")}));
  auto id = str(ended, "id");
  auto call_id = strings(ended, "call_ids").at(0);
  await_groupcall(*a, id, has_status("hangup"));
  create_agent(*a, agent_body("Alice", {endpoint("alice@sim")}));
  EXPECT_EQ(count_in(url, "SELECT count(*) FROM groupcalls WHERE NOT live"), 1);
  EXPECT_EQ(count_in(url, "SELECT count(*) FROM calls WHERE NOT live"), 1);

  auto targets = std::vector<std::string>{"/v1.0/groupcalls/" + id, "/v1.0/calls/" + call_id,
                                          "/v1.0/groupcalls", "/v1.0/calls", "/v1.0/agents"};
  auto before = bodies(*a, targets);
  restart();
  EXPECT_EQ(bodies(*a, targets), before) << "byte for byte, from PostgreSQL";
  // Another customer sees none of it there either.
  EXPECT_EQ(b->get("/v1.0/groupcalls/" + id).status, 404u);
  EXPECT_EQ(str(ok(b->get("/v1.0/groupcalls")), "next_page_token"), "");
  EXPECT_EQ(ok(b->get("/v1.0/groupcalls"))["result"].Size(), 0u);
}

TEST_F(OnPostgres, KilledNineItsLiveCallsAreEndedFailedOnTheNextStart) {
  auto live = create_groupcall(*a, groupcall_body({endpoint("ringing@sim")}));
  auto id = str(live, "id");
  auto call_id = strings(live, "call_ids").at(0);
  await_call(*a, call_id, has_status("ringing"));
  EXPECT_EQ(count_in(url, "SELECT count(*) FROM calls WHERE live"), 1);

  daemon->expect_clean_exit(false);
  daemon->signal(SIGKILL);
  daemon->wait(std::chrono::seconds(10));
  a.reset();
  b.reset();
  daemon.reset();
  start();

  auto call = ok(a->get("/v1.0/calls/" + call_id));
  EXPECT_EQ(str(call, "status"), "hangup");
  EXPECT_EQ(str(call, "hangup_reason"), "failed");
  EXPECT_EQ(str(ok(a->get("/v1.0/groupcalls/" + id)), "status"), "hangup");
  EXPECT_EQ(count_in(url, "SELECT count(*) FROM calls WHERE live"), 0);
  EXPECT_EQ(count_in(url, "SELECT count(*) FROM groupcalls WHERE live"), 0);
}

// chorusd on a PostgreSQL of the test's own, which the test stops and starts.
class PostgresOutage : public StoreApiTest {
 protected:
  std::vector<std::string> store_flags() override {
    return {"--postgres", server.create_database()};
  }
  HttpResponse health() { return HttpClient(port()).get("/health"); }

  PostgresServer server;
};

TEST_F(PostgresOutage, WritesAre503ReadsFailClearlyAndBothResumeWhenItIsBack) {
  auto first = create_groupcall(*a, groupcall_body({endpoint("early@sim;busy=0")}));
  await_groupcall(*a, str(first, "id"), has_status("hangup"));
  EXPECT_EQ(health().status, 200u);

  server.kill();
  auto refused = a->post("/v1.0/groupcalls", groupcall_body({endpoint("late@sim;busy=0")}));
  expect_error(refused, 503, "STORE_UNAVAILABLE", "PostgreSQL unreachable");
  // A list is read from the store: it fails as clearly, never an empty page.
  expect_error(a->get("/v1.0/groupcalls"), 503, "STORE_UNAVAILABLE", "PostgreSQL unreachable");
  auto failing = health();
  EXPECT_EQ(failing.status, 503u) << failing.body;
  EXPECT_NE(failing.body.find("PostgreSQL unreachable"), std::string::npos) << failing.body;

  server.start();
  // The store's retry finds it back by itself: no restart of chorusd.
  ASSERT_TRUE(eventually([&] { return health().status == 200u; }, std::chrono::seconds(10)))
      << health().body;
  auto later = create_groupcall(*a, groupcall_body({endpoint("later@sim;busy=0")}));
  await_groupcall(*a, str(later, "id"), has_status("hangup"));
  auto listed = ok(a->get("/v1.0/groupcalls"));
  ASSERT_EQ(listed["result"].Size(), 2u) << "the one before the outage and the one after";
  EXPECT_EQ(str(listed["result"][0], "id"), str(later, "id"));
  EXPECT_EQ(str(listed["result"][1], "id"), str(first, "id"));
}

}  // namespace
}  // namespace chorus::test
