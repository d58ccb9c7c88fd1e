// HTTP itself: unknown paths, wrong methods (405 with Allow), wrong Content-Type,
// bodies over 1 MiB, malformed requests, keep-alive and pipelining, and a client
// that stalls mid-request without holding anyone else up.

#include <gtest/gtest.h>

#include <atomic>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Http : public ApiTest {};

TEST_F(Http, UnknownPathsAre404Json) {
  auto before = everything(*a);
  for (auto* path : {"/v1.0", "/v2.0/groupcalls", "/v1.0/groupcall", "/v1.0/queues",
                     "/v1.0/groupcalls/5e1ec7ed-dead-4bee-8fed-0123456789ab/answer",
                     "/v1.0/calls/5e1ec7ed-dead-4bee-8fed-0123456789ab/hangup/now",
                     "/v1.0/agents/5e1ec7ed-dead-4bee-8fed-0123456789ab/hangup",
                     "/v1.0/extensions/5e1ec7ed-dead-4bee-8fed-0123456789ab/hangup",
                     "/v1.0/extension_groups/5e1ec7ed-dead-4bee-8fed-0123456789ab/missed_calls",
                     "/v1.0/conferences/5e1ec7ed-dead-4bee-8fed-0123456789ab/hangup",
                     "/v1.0/conferencecalls/5e1ec7ed-dead-4bee-8fed-0123456789ab/hangup",
                     "/v1.0/conference", "/healthz", "/metrics/x"}) {
    SCOPED_TRACE(path);
    expect_error(a->get(path), 404, "PATH_NOT_FOUND", "no such path");
    expect_error(a->post(path, "{}"), 404, "PATH_NOT_FOUND");
  }
  EXPECT_EQ(everything(*a), before);
}

TEST_F(Http, WrongMethodsAre405WithAnAllowHeader) {
  struct Case {
    std::string method, path, allow;
  };
  auto id = random_id;
  const std::vector<Case> cases = {
      {"PUT", "/v1.0/groupcalls", "GET, POST"},
      {"DELETE", "/v1.0/groupcalls", "GET, POST"},
      {"PATCH", "/v1.0/groupcalls", "GET, POST"},
      {"POST", "/v1.0/groupcalls/" + id, "GET, DELETE"},
      {"PUT", "/v1.0/groupcalls/" + id, "GET, DELETE"},
      {"GET", "/v1.0/groupcalls/" + id + "/hangup", "POST"},
      {"DELETE", "/v1.0/groupcalls/" + id + "/hangup", "POST"},
      {"PUT", "/v1.0/calls", "GET, POST"},
      {"DELETE", "/v1.0/calls", "GET, POST"},
      {"PUT", "/v1.0/calls/" + id, "GET, DELETE"},
      {"GET", "/v1.0/calls/" + id + "/hangup", "POST"},
      {"DELETE", "/v1.0/agents", "GET, POST"},
      {"POST", "/v1.0/agents/" + id, "GET, PUT, DELETE"},
      {"PUT", "/v1.0/extensions", "GET, POST"},
      {"POST", "/v1.0/extensions/" + id, "GET, PUT, DELETE"},
      {"DELETE", "/v1.0/extensions/" + id + "/missed_calls", "GET"},
      {"DELETE", "/v1.0/extension_groups", "GET, POST"},
      {"POST", "/v1.0/extension_groups/" + id, "GET, PUT, DELETE"},
      {"DELETE", "/v1.0/conferences", "GET, POST"},
      {"POST", "/v1.0/conferences/" + id, "GET, PUT, DELETE"},
      {"PUT", "/v1.0/conferencecalls", "GET, POST"},
      {"PUT", "/v1.0/conferencecalls/" + id, "GET, DELETE"},
      {"POST", "/v1.0/conferencecalls/" + id, "GET, DELETE"},
      {"POST", "/v1.0/customer", "GET"},
      {"DELETE", "/v1.0/customer", "GET"},
      {"POST", "/", "GET"},
      {"POST", "/health", "GET"},
      {"DELETE", "/metrics", "GET"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    auto r = a->request(c.method, c.path, c.method == "GET" ? "" : "{}",
                        {{"Content-Type", "application/json"}});
    expect_error(r, 405, "METHOD_NOT_ALLOWED", c.method);
    EXPECT_EQ(r.header("Allow"), c.allow);
  }
  // Without a key too: the method is wrong whoever asks.
  HttpClient anonymous(port());
  auto r = anonymous.request("PUT", "/v1.0/groupcalls", "{}");
  expect_error(r, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(r.header("Allow"), "GET, POST");
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/agents"))).empty());
}

TEST_F(Http, WrongContentTypeIs415AndChangesNothing) {
  auto body = groupcall_body({endpoint("x@sim")});
  auto before = everything(*a);
  for (auto* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                     "application/xml", "json", ""}) {
    SCOPED_TRACE(type);
    Headers h;
    if (*type) h.push_back({"Content-Type", type});
    expect_error(a->request("POST", "/v1.0/groupcalls", body, h), 415, "UNSUPPORTED_MEDIA_TYPE",
                 "Content-Type");
    expect_error(a->request("POST", "/v1.0/agents", agent_body("x", {}), h), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
    expect_error(a->request("POST", "/v1.0/extensions", extension_body("x", "1", {}), h), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
    expect_error(a->request("PUT", "/v1.0/agents/" + random_id, agent_body("x", {}), h), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
  }
  EXPECT_EQ(everything(*a), before);
  EXPECT_EQ(metrics()["chorus_legs_dialled_total"], 0);
  // Parameters and case do not matter.
  for (auto* type :
       {"application/json; charset=utf-8", "Application/JSON", "application/json ;x=y"}) {
    SCOPED_TRACE(type);
    EXPECT_EQ(
        a->request("POST", "/v1.0/agents", agent_body("x", {}), {{"Content-Type", type}}).status,
        200u);
  }
  // An action takes no body, so needs no Content-Type.
  auto gc = create_groupcall(*a, groupcall_body({endpoint("x@sim")}));
  EXPECT_EQ(a->request("POST", "/v1.0/groupcalls/" + str(gc, "id") + "/hangup").status, 200u);
}

TEST_F(Http, BodiesOverOneMebibyteAre413) {
  constexpr std::size_t mib = 1024 * 1024;
  auto before = everything(*a);
  // A valid agent padded with JSON white space to exactly the limit is fine...
  std::string head = R"({"name":"n","addresses":[])", tail = "}";
  std::string exact = head + std::string(mib - head.size() - tail.size(), ' ') + tail;
  ASSERT_EQ(exact.size(), mib);
  auto fits = a->post("/v1.0/agents", exact);
  EXPECT_EQ(fits.status, 200u) << fits.body.substr(0, 200);
  auto after_fit = everything(*a);
  EXPECT_EQ(after_fit.size(), before.size() + 1);

  // ...one byte more is refused, on a connection of its own.
  std::string over = head + std::string(mib + 1 - head.size() - tail.size(), ' ') + tail;
  ASSERT_EQ(over.size(), mib + 1);
  RawConnection raw(port());
  raw.send("POST /v1.0/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key_a +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(over.size()) +
           "\r\n\r\n" + over);
  auto refused = raw.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(refused.has_value()) << "no answer to an oversized body";
  expect_error(*refused, 413, "PAYLOAD_TOO_LARGE", "1048576");
  EXPECT_TRUE(raw.closed_by_peer(std::chrono::seconds(5)));

  // Chunked, with no Content-Length up front: the same.
  RawConnection chunked(port());
  std::string chunk(512 * 1024, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string request = "POST /v1.0/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                        key_a +
                        "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += std::string(size) + "\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  chunked.send(request);
  auto refused_chunked = chunked.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(refused_chunked.has_value()) << "no answer to an oversized chunked body";
  expect_error(*refused_chunked, 413, "PAYLOAD_TOO_LARGE");

  EXPECT_EQ(everything(*a), after_fit);
  // The server goes on serving.
  EXPECT_EQ(a->get("/health").status, 200u);
}

TEST_F(Http, MalformedRequestsAre400AndTheServerGoesOn) {
  const std::vector<std::string> requests = {
      "GARBAGE\r\n\r\n", "GET /health HTTP/x.y\r\n\r\n",
      "GET /health HTTP/1.1\r\nBad Header Line\r\n\r\n",
      "POST /v1.0/agents HTTP/1.1\r\nContent-Length: abc\r\n\r\n"};
  for (auto& bad : requests) {
    SCOPED_TRACE(bad.substr(0, 60));
    RawConnection raw(port());
    raw.send(bad);
    auto r = raw.read_response(std::chrono::seconds(5));
    ASSERT_TRUE(r.has_value());
    expect_error(*r, 400, "MALFORMED_REQUEST", "malformed HTTP request");
    EXPECT_TRUE(raw.closed_by_peer(std::chrono::seconds(5)));
  }
  EXPECT_EQ(a->get("/health").status, 200u);
}

TEST_F(Http, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 30; ++i) {
    auto r = a->get(i % 2 ? "/health" : "/v1.0/groupcalls");
    ASSERT_EQ(r.status, 200u);
    EXPECT_TRUE(r.keep_alive);
  }
  // Errors keep the connection too.
  expect_error(a->get("/v1.0/nope"), 404, "PATH_NOT_FOUND");
  expect_error(a->get("/v1.0/groupcalls/bad-id"), 400, "INVALID_ARGUMENT");
  EXPECT_EQ(a->get("/health").status, 200u);
  EXPECT_EQ(a->connections(), 1);
  // Connection: close is honoured.
  auto closing = a->request("GET", "/health", "", {{"Connection", "close"}});
  EXPECT_EQ(closing.status, 200u);
  EXPECT_FALSE(closing.keep_alive);
  EXPECT_EQ(a->get("/health").status, 200u);
  EXPECT_EQ(a->connections(), 2);
}

TEST_F(Http, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection raw(port());
  std::string auth = "Authorization: Bearer " + key_a + "\r\n";
  raw.send(
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /v1.0/groupcalls/" +
      random_id + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n" +
      "GET /v1.0/agents HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
  auto first = raw.read_response(std::chrono::seconds(5));
  auto second = raw.read_response(std::chrono::seconds(5));
  auto third = raw.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 200u);
  EXPECT_EQ(second->status, 404u);
  EXPECT_EQ(third->status, 200u);
  EXPECT_EQ(third->body, R"({"result":[]})");
}

TEST_F(Http, ConcurrentClientsAreAllServed) {
  constexpr int threads = 8, each = 20;
  std::vector<std::thread> pool;
  std::vector<std::vector<std::string>> created(threads);
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        HttpClient c(port());
        c.default_headers = {{"Authorization", "Bearer " + (t % 2 ? key_b : key_a)}};
        for (int i = 0; i < each; ++i) {
          auto r = c.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;busy=0")}));
          if (r.status != 200) {
            ++failures;
            continue;
          }
          auto doc = parse_json(r.body);
          created[t].push_back(doc["id"].GetString());
          if (c.get("/v1.0/groupcalls/" + created[t].back()).status != 200) ++failures;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> of_a, of_b;
  for (int t = 0; t < threads; ++t)
    (t % 2 ? of_b : of_a).insert(created[t].begin(), created[t].end());
  auto listed_a = ids_of(ok(a->get("/v1.0/groupcalls")));
  auto listed_b = ids_of(ok(b->get("/v1.0/groupcalls")));
  EXPECT_EQ(std::set<std::string>(listed_a.begin(), listed_a.end()), of_a);
  EXPECT_EQ(std::set<std::string>(listed_b.begin(), listed_b.end()), of_b);
  EXPECT_EQ(listed_a.size(), static_cast<std::size_t>(threads / 2 * each));
}

TEST_F(Http, AStalledClientDoesNotHoldOthersUp) {
  // One client sends half a header, another a header and half its body; both stall.
  RawConnection half_header(port());
  ASSERT_TRUE(half_header.send("POST /v1.0/groupcalls HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor"));
  RawConnection half_body(port());
  ASSERT_TRUE(
      half_body.send("POST /v1.0/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                     "Bearer " +
                     key_a +
                     "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                     "{\"name\":"));
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 8; ++i) silent.push_back(std::make_unique<RawConnection>(port()));

  // Everyone else is served at once (well within the 15 s the stalled ones may take),
  // on new connections and on kept-alive ones.
  for (int i = 0; i < 5; ++i) {
    auto started = Clock::now();
    HttpClient fresh(port(), std::chrono::seconds(2));
    fresh.default_headers = {{"Authorization", "Bearer " + key_b}};
    auto r = fresh.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;busy=0")}));
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));
  }
  auto started = Clock::now();
  EXPECT_EQ(a->get("/v1.0/groupcalls").status, 200u);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));

  // The stalled ones got no answer, and nothing of theirs happened.
  EXPECT_FALSE(half_header.read_response(std::chrono::milliseconds(50)).has_value());
  EXPECT_FALSE(half_body.read_response(std::chrono::milliseconds(50)).has_value());
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/agents"))).empty());
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/groupcalls"))).empty());
  EXPECT_EQ(ids_of(ok(b->get("/v1.0/groupcalls"))).size(), 5u);
}

}  // namespace
}  // namespace chorus::test
