// /metrics: every documented metric is there, and the counts move with what
// happens (legs dialled and ended by reason, HTTP requests by route and code, the
// latency histogram, live groupcalls and calls by status).

#include <gtest/gtest.h>

#include <sstream>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Metrics : public ApiTest {};

std::string requests(const std::string& route, unsigned code) {
  return "chorus_http_requests_total{route=\"" + route + "\",code=\"" + std::to_string(code) +
         "\"}";
}
std::string ended(const std::string& reason) {
  return "chorus_legs_ended_total{hangup_reason=\"" + reason + "\"}";
}

TEST_F(Metrics, EveryDocumentedMetricIsExposed) {
  HttpClient anonymous(port());
  auto r = anonymous.get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (auto* line :
       {"# TYPE chorus_groupcalls gauge", "# TYPE chorus_calls gauge",
        "# TYPE chorus_conferences gauge", "# TYPE chorus_conferencecalls gauge",
        "# TYPE chorus_legs_dialled_total counter", "# TYPE chorus_legs_ended_total counter",
        "# TYPE chorus_http_requests_total counter",
        "# TYPE chorus_http_request_duration_seconds histogram"}) {
    EXPECT_NE(r.body.find(line), std::string::npos) << line << " missing:\n" << r.body;
  }
  auto m = parse_metrics(r.body);
  for (auto* status : {"progressing", "hangingup"}) {
    EXPECT_EQ(m.count("chorus_groupcalls{status=\"" + std::string(status) + "\"}"), 1u) << status;
  }
  for (auto* status : {"dialing", "ringing", "progressing", "terminating", "canceling"}) {
    EXPECT_EQ(m.count("chorus_calls{status=\"" + std::string(status) + "\"}"), 1u) << status;
  }
  for (auto* reason : {"normal", "failed", "busy", "cancel", "timeout", "noanswer"}) {
    EXPECT_EQ(m.count(ended(reason)), 1u) << reason;
  }
  EXPECT_EQ(m.count("chorus_legs_dialled_total"), 1u);
  EXPECT_EQ(m.count("chorus_http_request_duration_seconds_bucket{le=\"+Inf\"}"), 1u);
  EXPECT_EQ(m.count("chorus_http_request_duration_seconds_sum"), 1u);
  EXPECT_EQ(m.count("chorus_http_request_duration_seconds_count"), 1u);
  // Nothing has happened yet.
  EXPECT_EQ(m["chorus_legs_dialled_total"], 0);
  EXPECT_EQ(m["chorus_groupcalls{status=\"progressing\"}"], 0);
}

TEST_F(Metrics, LegCountersMoveWithTheCalls) {
  auto before = metrics();
  // a answers and hangs up (normal), b is cancelled, c is busy.
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim;answer=300;hangup=100"),
                                                 endpoint("b@sim"), endpoint("c@sim;busy=0")}));
  EXPECT_TRUE(eventually([&] {
    return metrics()["chorus_legs_dialled_total"] - before["chorus_legs_dialled_total"] == 3;
  }));

  await_groupcall(*a, str(gc, "id"), has_status("hangup"));
  auto after = metrics();
  EXPECT_EQ(after["chorus_legs_dialled_total"] - before["chorus_legs_dialled_total"], 3);
  EXPECT_EQ(after[ended("normal")] - before[ended("normal")], 1);
  EXPECT_EQ(after[ended("cancel")] - before[ended("cancel")], 1);
  EXPECT_EQ(after[ended("busy")] - before[ended("busy")], 1);
  EXPECT_EQ(after[ended("failed")] - before[ended("failed")], 0);
  EXPECT_EQ(after[ended("noanswer")] - before[ended("noanswer")], 0);
  EXPECT_EQ(after["chorus_groupcalls{status=\"progressing\"}"], 0);
  EXPECT_EQ(after["chorus_groupcalls{status=\"hangingup\"}"], 0);
  for (auto* status : {"dialing", "ringing", "progressing", "terminating", "canceling"}) {
    EXPECT_EQ(after["chorus_calls{status=\"" + std::string(status) + "\"}"], 0) << status;
  }
}

TEST_F(Metrics, LiveGaugesFollowStatuses) {
  auto one = create_groupcall(*a, groupcall_body({endpoint("x@sim"), endpoint("y@sim")}));
  auto two = create_groupcall(*b, groupcall_body({endpoint("z@sim;answer=0")}));
  EXPECT_TRUE(eventually([&] {
    auto m = metrics();
    return m["chorus_groupcalls{status=\"progressing\"}"] == 2 &&
           m["chorus_calls{status=\"ringing\"}"] == 2 &&
           m["chorus_calls{status=\"progressing\"}"] == 1;
  }));
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(one, "id") + "/hangup").status, 200u);
  ASSERT_EQ(b->post("/v1.0/groupcalls/" + str(two, "id") + "/hangup").status, 200u);
  EXPECT_TRUE(eventually([&] {
    auto m = metrics();
    return m["chorus_groupcalls{status=\"progressing\"}"] == 0 &&
           m["chorus_calls{status=\"ringing\"}"] == 0 &&
           m["chorus_calls{status=\"progressing\"}"] == 0 && m[ended("cancel")] == 2 &&
           m[ended("normal")] == 1;
  }));
}

TEST_F(Metrics, HttpRequestsAreCountedByRouteAndCode) {
  auto before = metrics();
  auto gc = create_groupcall(*a, groupcall_body({endpoint("x@sim")}));
  auto id = str(gc, "id");
  for (int i = 0; i < 3; ++i) groupcall(*a, id);
  expect_error(a->get("/v1.0/groupcalls/" + random_id), 404, "GROUPCALL_NOT_FOUND");
  expect_error(a->get("/v1.0/groupcalls/nope"), 400, "INVALID_ARGUMENT");
  HttpClient anonymous(port());
  expect_error(anonymous.get("/v1.0/groupcalls"), 401, "UNAUTHORIZED");
  expect_error(anonymous.get("/v1.0/groupcalls"), 401, "UNAUTHORIZED");
  expect_error(a->request("PUT", "/v1.0/calls"), 405, "METHOD_NOT_ALLOWED");
  expect_error(a->get("/no/such/path"), 404, "PATH_NOT_FOUND");
  ASSERT_EQ(a->post("/v1.0/groupcalls/" + id + "/hangup").status, 200u);
  ASSERT_EQ(a->get("/v1.0/calls").status, 200u);
  ASSERT_EQ(a->get("/v1.0/agents").status, 200u);
  ASSERT_EQ(a->get("/health").status, 200u);

  auto after = metrics();
  auto moved = [&](const std::string& route, unsigned code) {
    return after[requests(route, code)] - before[requests(route, code)];
  };
  EXPECT_EQ(moved("/v1.0/groupcalls", 200), 1);
  EXPECT_EQ(moved("/v1.0/groupcalls", 401), 2);
  EXPECT_EQ(moved("/v1.0/groupcalls/{id}", 200), 3);
  EXPECT_EQ(moved("/v1.0/groupcalls/{id}", 404), 1);
  EXPECT_EQ(moved("/v1.0/groupcalls/{id}", 400), 1);
  EXPECT_EQ(moved("/v1.0/groupcalls/{id}/hangup", 200), 1);
  EXPECT_EQ(moved("/v1.0/calls", 200), 1);
  EXPECT_EQ(moved("/v1.0/calls", 405), 1);
  EXPECT_EQ(moved("/v1.0/agents", 200), 1);
  EXPECT_EQ(moved("/health", 200), 1);
  EXPECT_EQ(moved("unmatched", 404), 1);
  // The earlier /metrics scrape was counted once it had been answered.
  EXPECT_GE(after[requests("/metrics", 200)], 1);

  // The histogram counts every request, cumulatively, and +Inf equals the count.
  const std::string count = "chorus_http_request_duration_seconds_count";
  const std::string inf = "chorus_http_request_duration_seconds_bucket{le=\"+Inf\"}";
  EXPECT_GE(after[count] - before[count], 15);
  EXPECT_EQ(after[inf], after[count]);
  EXPECT_GT(after["chorus_http_request_duration_seconds_sum"], 0);
  double previous = 0;
  std::size_t buckets = 0;
  for (auto& [name, value] : after) {
    if (name.rfind("chorus_http_request_duration_seconds_bucket{le=\"", 0) != 0 || name == inf) {
      continue;
    }
    ++buckets;
    EXPECT_LE(value, after[inf]) << name;
  }
  EXPECT_GE(buckets, 5u);
  // Cumulative: each bound at least the one below it (in the order they are written).
  HttpClient anonymous2(port());
  auto text = anonymous2.get("/metrics").body;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("chorus_http_request_duration_seconds_bucket", 0) != 0) continue;
    double value = std::stod(line.substr(line.rfind(' ') + 1));
    EXPECT_GE(value, previous) << line;
    previous = value;
  }
}

TEST_F(Metrics, RefusedRequestsAreCountedToo) {
  auto before = metrics();
  RawConnection raw(port());
  raw.send("BROKEN\r\n\r\n");
  ASSERT_TRUE(raw.read_response(std::chrono::seconds(5)).has_value());
  auto after = metrics();
  EXPECT_EQ(after[requests("unmatched", 400)] - before[requests("unmatched", 400)], 1);
}

}  // namespace
}  // namespace chorus::test
