#pragma once
// What the conference tests of chorusd share: conferences and conferencecalls over
// REST, answered calls to join them, and bounded polling of any GET until a state
// holds. Free functions over an HttpClient, so that ApiTest and StoreApiTest
// fixtures both use them.

#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "api_fixture.hpp"

namespace chorus::test {

// A 200 answer's JSON; a test failure otherwise.
inline Json json_200(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200u) << r.body;
  return parse_json(r.body);
}

// Microseconds since the epoch of a Chorus timestamp "YYYY-MM-DD HH:MM:SS.ffffff".
inline long long micros_of(const std::string& text) {
  std::tm tm{};
  int micros = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &micros) != 7) {
    ADD_FAILURE() << "not a timestamp: " << text;
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm)) * 1000000 + micros;
}

inline bool is_hex32(const std::string& text) {
  return text.size() == 32 && text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// GETs `target` every 10 ms until `done` holds (bounded); the last answer. Each
// distinct status seen, in order, goes to `seen` when given.
inline Json poll(HttpClient& c, const std::string& target,
                 const std::function<bool(const Json&)>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5),
                 std::vector<std::string>* seen = nullptr) {
  Json last;
  bool held = eventually(
      [&] {
        last = json_200(c.get(target));
        if (seen && last.HasMember("status") && last["status"].IsString()) {
          std::string status = last["status"].GetString();
          if (seen->empty() || seen->back() != status) seen->push_back(status);
        }
        return done(last);
      },
      timeout);
  EXPECT_TRUE(held) << target << " never reached the expected state; last: " << compact(last);
  return last;
}

inline std::function<bool(const Json&)> status_is(const std::string& status) {
  return [status](const Json& j) { return str(j, "status") == status; };
}

inline std::string conference_path(const std::string& id) {
  return "/v1.0/conferences/" + id;
}
inline std::string conferencecall_path(const std::string& id) {
  return "/v1.0/conferencecalls/" + id;
}

inline Json create_conference(HttpClient& c, const std::string& body = "{}") {
  auto r = c.post("/v1.0/conferences", body);
  EXPECT_EQ(r.status, 200u) << body << " -> " << r.body;
  return parse_json(r.body);
}
inline Json get_conference(HttpClient& c, const std::string& id) {
  return json_200(c.get(conference_path(id)));
}
inline Json get_conferencecall(HttpClient& c, const std::string& id) {
  return json_200(c.get(conferencecall_path(id)));
}
inline Json get_call(HttpClient& c, const std::string& id) {
  return json_200(c.get("/v1.0/calls/" + id));
}

inline std::string join_body(const std::string& conference_id, const std::string& call_id) {
  return R"({"conference_id":")" + conference_id + R"(","reference_type":"call","reference_id":")" +
         call_id + R"("})";
}
inline HttpResponse post_join(HttpClient& c, const std::string& conference_id,
                              const std::string& call_id) {
  return c.post("/v1.0/conferencecalls", join_body(conference_id, call_id));
}

// Every conferencecall the customer has (first page of 100).
inline std::vector<std::string> listed_conferencecalls(HttpClient& c) {
  return ids_of(json_200(c.get("/v1.0/conferencecalls?page_size=100")));
}
inline std::vector<std::string> listed_conferences(HttpClient& c) {
  return ids_of(json_200(c.get("/v1.0/conferences?page_size=100")));
}

// The one call of a new groupcall ringing `target`, once it shows `status`.
inline std::string call_in_status(HttpClient& c, const std::string& target,
                                  const std::string& status) {
  auto r = c.post("/v1.0/groupcalls", groupcall_body({endpoint(target)}));
  EXPECT_EQ(r.status, 200u) << r.body;
  auto ids = strings(parse_json(r.body), "call_ids");
  if (ids.size() != 1) {
    ADD_FAILURE() << "no single call: " << r.body;
    return random_id;
  }
  poll(c, "/v1.0/calls/" + ids[0], status_is(status));
  return ids[0];
}

// A call that answers at once and stays up.
inline std::string answered_call(HttpClient& c, const std::string& name = "a") {
  return call_in_status(c, name + "@sim;answer=0", "progressing");
}

// Joins `call_id` to the conference: the answer is joining; then waits for joined.
// The joined conferencecall.
inline Json join_and_await(HttpClient& c, const std::string& conference_id,
                           const std::string& call_id) {
  auto answer = json_200(post_join(c, conference_id, call_id));
  EXPECT_EQ(str(answer, "status"), "joining") << compact(answer);
  return poll(c, conferencecall_path(str(answer, "id")), status_is("joined"));
}

}  // namespace chorus::test
