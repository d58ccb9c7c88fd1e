#pragma once
// What the WebSocket tests share: frames parsed from the wire, topics and
// messages, groupcalls created over REST, reading until a condition holds, and the
// checks every event stream must pass (seq 1..n without gaps; each resource's
// events in an allowed order).

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "model/call.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "model/transitions.hpp"
#include "tests/support/chorusd_process.hpp"
#include "tests/support/customers.hpp"
#include "tests/support/error_envelope.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/json_text.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/ws_client.hpp"

namespace chorus::wstest {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::bearer;
using test::customer_a;
using test::customer_b;
using test::eventually;
using test::Headers;
using test::http_request;
using test::HttpResponse;
using test::key_a;
using test::key_b;
using test::Metrics;
using test::RawWsPeer;
using test::scrape_metrics;
using test::WsClient;
using test::WsOptions;

// chorusd for the WebSocket tests: on a free loopback port, with keys for
// customers A and B and only warnings in its log, plus `flags`.
class Chorusd : public test::ChorusdProcess {
 public:
  explicit Chorusd(const std::vector<std::string>& flags = {})
      : ChorusdProcess(on_free_port(with_keys(flags))) {}

 private:
  static std::vector<std::string> with_keys(const std::vector<std::string>& flags) {
    std::vector<std::string> all{"--log-level", "warn"};
    auto keys = test::api_key_flags();
    all.insert(all.end(), keys.begin(), keys.end());
    all.insert(all.end(), flags.begin(), flags.end());
    return all;
  }
};

// One server message, parsed.
struct Frame {
  std::string raw;
  bool json = false;
  std::string type;
  std::optional<std::uint64_t> seq;  // events and events_dropped only
  std::string error, message;        // error frames
  std::vector<std::string> topics;   // acks
  // An event's snapshot.
  std::string id, customer_id, status, groupcall_id;
  std::vector<std::string> call_ids;
  std::uint64_t count = 0;  // events_dropped
  bool has_data = false;

  bool is_dropped() const { return type == "events_dropped"; }
  bool is_event() const { return seq.has_value() && !is_dropped(); }
  bool is_call_event() const { return is_event() && type.rfind("call_", 0) == 0; }
  bool is_groupcall_event() const { return is_event() && type.rfind("groupcall_", 0) == 0; }
};

inline std::string member_string(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  auto m = v.FindMember(name);
  return m != v.MemberEnd() && m->value.IsString() ? m->value.GetString() : std::string();
}

inline Frame parse_frame(const std::string& text) {
  Frame f;
  f.raw = text;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return f;
  f.json = true;
  f.type = member_string(doc, "type");
  if (auto seq = doc.FindMember("seq"); seq != doc.MemberEnd() && seq->value.IsUint64()) {
    f.seq = seq->value.GetUint64();
  }
  f.error = member_string(doc, "error");
  f.message = member_string(doc, "message");
  if (auto topics = doc.FindMember("topics");
      topics != doc.MemberEnd() && topics->value.IsArray()) {
    for (auto& t : topics->value.GetArray()) f.topics.push_back(t.IsString() ? t.GetString() : "?");
  }
  if (auto data = doc.FindMember("data"); data != doc.MemberEnd() && data->value.IsObject()) {
    f.has_data = true;
    auto& d = data->value;
    f.id = member_string(d, "id");
    f.customer_id = member_string(d, "customer_id");
    f.status = member_string(d, "status");
    f.groupcall_id = member_string(d, "groupcall_id");
    if (auto ids = d.FindMember("call_ids"); ids != d.MemberEnd() && ids->value.IsArray()) {
      for (auto& c : ids->value.GetArray()) {
        if (c.IsString()) f.call_ids.push_back(c.GetString());
      }
    }
    if (auto count = d.FindMember("count"); count != d.MemberEnd() && count->value.IsUint64()) {
      f.count = count->value.GetUint64();
    }
  }
  return f;
}

inline std::string topic(const std::string& customer, const std::string& resource = "",
                         const std::string& id = "") {
  std::string t = "customer_id:" + customer;
  if (!resource.empty()) t += ":" + resource;
  if (!id.empty()) t += ":" + id;
  return t;
}

inline std::string topics_message(const std::string& type, const std::vector<std::string>& topics) {
  std::string m = R"({"type":)" + test::quoted(type) + R"(,"topics":[)";
  for (std::size_t i = 0; i < topics.size(); ++i) m += (i ? "," : "") + test::quoted(topics[i]);
  return m + "]}";
}

inline WsClient::Options with_token(const std::string& key, WsClient::Options options = {}) {
  options.target = "/v1.0/ws?token=" + key;
  return options;
}

// A refused upgrade's answer: JSON, and chorusd's error envelope with the status's
// name, `reason`, and no field.
inline void expect_envelope(const HttpResponse& response, unsigned status,
                            const std::string& reason) {
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  test::expect_error_envelope(response.body, response.header("X-Request-Id"), status, reason, "",
                              "");
}

// The next frame, or a failure (and an empty frame) when none comes in time.
inline Frame next_frame(WsClient& client, std::chrono::milliseconds timeout = 5s) {
  auto text = client.read(timeout);
  if (!text) {
    ADD_FAILURE() << "no frame within " << timeout.count() << " ms (connection "
                  << (client.closed() ? "closed: " + client.read_error().message() : "open") << ")";
    return {};
  }
  auto frame = parse_frame(*text);
  EXPECT_TRUE(frame.json) << "not a JSON object: " << *text;
  return frame;
}

// The next frame that is not an event; events read meanwhile stay queued for
// later reads (a reply may overtake events, or follow them).
inline Frame next_reply(WsClient& client, std::chrono::milliseconds timeout = 5s) {
  std::vector<std::string> events;
  Frame frame;
  for (;;) {
    frame = next_frame(client, timeout);
    if (!frame.seq) break;
    events.push_back(frame.raw);
  }
  client.requeue(events);
  return frame;
}

// Sends a (un)subscribe and expects its ack naming the same topics.
inline void expect_ack(WsClient& client, const std::string& type,
                       const std::vector<std::string>& topics) {
  ASSERT_TRUE(client.send(topics_message(type, topics)));
  auto ack = next_reply(client);
  EXPECT_EQ(ack.type, type == "subscribe" ? "subscribed" : "unsubscribed") << ack.raw;
  EXPECT_EQ(ack.topics, topics) << ack.raw;
  EXPECT_FALSE(ack.seq.has_value()) << "an ack is not an event and takes no seq: " << ack.raw;
}

inline void subscribe(WsClient& client, const std::vector<std::string>& topics) {
  expect_ack(client, "subscribe", topics);
}

// Sends `message` and expects an error frame with `code`.
inline Frame expect_error(WsClient& client, const std::string& message,
                          const std::string& code = "invalid_argument") {
  EXPECT_TRUE(client.send(message));
  auto frame = next_reply(client);
  EXPECT_EQ(frame.type, "error") << "for " << message << ": " << frame.raw;
  EXPECT_EQ(frame.error, code) << "for " << message << ": " << frame.raw;
  EXPECT_FALSE(frame.message.empty()) << frame.raw;
  EXPECT_FALSE(frame.seq.has_value()) << frame.raw;
  return frame;
}

// A connected client for `key` (by token) subscribed to `topics`.
inline std::unique_ptr<WsClient> open_client(std::uint16_t port, const std::string& key,
                                             const std::vector<std::string>& topics,
                                             WsClient::Options options = {}) {
  auto client = std::make_unique<WsClient>(port, with_token(key, std::move(options)));
  auto status = client->connect();
  EXPECT_EQ(status, 101u) << "upgrade refused: " << client->handshake_response().body;
  if (status == 101 && !topics.empty()) subscribe(*client, topics);
  return client;
}

// Tries to connect every 50 ms until upgraded (a slot is free) or the timeout
// passes; the client, or null.
inline std::unique_ptr<WsClient> connect_within(std::uint16_t port, const std::string& key,
                                                std::chrono::milliseconds timeout,
                                                unsigned* last_status = nullptr) {
  std::unique_ptr<WsClient> client;
  bool upgraded = eventually(
      [&] {
        client = std::make_unique<WsClient>(port, with_token(key));
        auto status = client->connect();
        if (last_status) *last_status = status;
        return status == 101;
      },
      timeout, 50ms);
  return upgraded ? std::move(client) : nullptr;
}

struct Created {
  unsigned status = 0;
  std::string body;
  std::string id;
  std::vector<std::string> call_ids;
};

inline std::string groupcall_body(const std::vector<std::string>& targets, int ring_timeout = 0) {
  std::string body = R"({"source":{"type":"tel","target":"+15551230000"},"destinations":[)";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    body += std::string(i ? "," : "") + R"({"type":"endpoint","target":)" +
            test::quoted(targets[i]) + "}";
  }
  body += "]";
  if (ring_timeout > 0) body += R"(,"ring_timeout":)" + std::to_string(ring_timeout);
  return body + "}";
}

// POST /v1.0/groupcalls for `key`; the groupcall's id and legs.
inline Created create_groupcall(std::uint16_t port, const std::string& key,
                                const std::vector<std::string>& targets, int ring_timeout = 0) {
  auto answer = http_request(port, "POST", "/v1.0/groupcalls",
                             groupcall_body(targets, ring_timeout), bearer(key));
  Created c;
  c.status = answer.status;
  c.body = answer.body;
  EXPECT_EQ(answer.status, 200u) << answer.error << answer.body;
  auto frame = parse_frame(R"({"type":"created","data":)" + answer.body + "}");
  c.id = frame.id;
  c.call_ids = frame.call_ids;
  return c;
}

// The sample of chorus_ws_closed_total for one cause.
inline std::string ws_closed(const std::string& cause) {
  return "chorus_ws_closed_total{cause=\"" + cause + "\"}";
}

// Scrapes /metrics every 20 ms until `holds(samples)` or the timeout passes; the
// last scrape.
inline Metrics metrics_when(std::uint16_t port, const std::function<bool(Metrics&)>& holds,
                            std::chrono::milliseconds timeout) {
  Metrics samples;
  eventually(
      [&] {
        samples = scrape_metrics(port);
        return holds(samples);
      },
      timeout, 20ms);
  return samples;
}

// Reads frames until `done(frames)` holds or the timeout passes.
inline std::vector<Frame> collect(WsClient& client,
                                  const std::function<bool(const std::vector<Frame>&)>& done,
                                  std::chrono::milliseconds timeout) {
  std::vector<Frame> frames;
  auto deadline = Clock::now() + timeout;
  while (!done(frames)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto text = client.read(left);
    if (!text) break;
    frames.push_back(parse_frame(*text));
    EXPECT_TRUE(frames.back().json) << *text;
  }
  return frames;
}

// Reads until nothing more arrives for `quiet`.
inline std::vector<Frame> drain(WsClient& client, std::chrono::milliseconds quiet = 300ms) {
  std::vector<Frame> frames;
  while (auto text = client.read(quiet)) frames.push_back(parse_frame(*text));
  return frames;
}

inline std::size_t count_type(const std::vector<Frame>& frames, const std::string& type) {
  return static_cast<std::size_t>(
      std::count_if(frames.begin(), frames.end(), [&](const Frame& f) { return f.type == type; }));
}

// Until `groupcalls` groupcall_hangup and `legs` call_hangup events arrived.
inline std::function<bool(const std::vector<Frame>&)> ended(std::size_t groupcalls,
                                                            std::size_t legs) {
  return [=](const std::vector<Frame>& frames) {
    return count_type(frames, "groupcall_hangup") >= groupcalls &&
           count_type(frames, "call_hangup") >= legs;
  };
}

// Events and events_dropped frames carry seq 1, 2, 3... with no gap or repeat.
inline void expect_seq_continuous(const std::vector<Frame>& frames) {
  std::uint64_t expected = 1;
  for (auto& f : frames) {
    if (!f.seq) continue;
    ASSERT_EQ(*f.seq, expected) << "seq gap or repeat at " << f.raw;
    ++expected;
  }
}

// The status an event of this type must show.
inline bool type_fits_status(const Frame& f) {
  if (f.is_call_event()) {
    auto status = parse_call_status(f.status);
    if (!status) return false;
    if (f.type == "call_created") return *status == CallStatus::dialing;
    if (f.type == "call_deleted") return *status == CallStatus::hangup;
    return to_string(event_for(*status)) == f.type;
  }
  if (f.type == "groupcall_created" || f.type == "groupcall_progressing") {
    return f.status == "progressing";
  }
  if (f.type == "groupcall_hangup" || f.type == "groupcall_deleted") return f.status == "hangup";
  return false;
}

// Each resource's events: (when `from_start`) *_created first, every move an
// allowed transition, and (when `complete`) *_hangup last, or just before a
// *_deleted, which ends a resource's events.
inline void expect_resource_order(const std::vector<Frame>& frames, bool complete,
                                  bool from_start = true) {
  std::map<std::string, std::vector<const Frame*>> by_resource;
  for (auto& f : frames) {
    if (f.is_event()) by_resource[f.id].push_back(&f);
  }
  for (auto& [id, events] : by_resource) {
    bool call = events.front()->is_call_event();
    std::string kind = call ? "call" : "groupcall";
    if (from_start) {
      EXPECT_EQ(events.front()->type, kind + "_created") << kind << " " << id << " first event";
    }
    // The events up to the hangup: all but a last *_deleted.
    auto lived = events.size() - (events.back()->type == kind + "_deleted" ? 1 : 0);
    if (complete) {
      ASSERT_GT(lived, 0u) << kind << " " << id << " has only its deletion";
      EXPECT_EQ(events[lived - 1]->type, kind + "_hangup") << kind << " " << id << " last event";
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto& e = *events[i];
      EXPECT_EQ(e.is_call_event(), call) << e.raw;
      EXPECT_TRUE(type_fits_status(e)) << "type and status disagree: " << e.raw;
      if (e.type == kind + "_created") {
        EXPECT_EQ(i, 0u) << "created twice: " << e.raw;
      }
      if (e.type == kind + "_hangup") {
        EXPECT_EQ(i, lived - 1) << "after hangup: " << e.raw;
      }
      if (e.type == kind + "_deleted") {
        EXPECT_EQ(i, events.size() - 1) << "after deleted: " << e.raw;
        if (i > 0) {
          EXPECT_EQ(events[i - 1]->type, kind + "_hangup") << "deleted live: " << e.raw;
        }
      }
      if (i == 0) continue;
      auto& before = *events[i - 1];
      if (call) {
        auto from = parse_call_status(before.status), to = parse_call_status(e.status);
        ASSERT_TRUE(from && to) << e.raw;
        EXPECT_TRUE(*from == *to || call_transition_allowed(*from, *to))
            << "call " << id << ": " << before.status << " -> " << e.status;
      } else {
        auto from = parse_groupcall_status(before.status), to = parse_groupcall_status(e.status);
        ASSERT_TRUE(from && to) << e.raw;
        EXPECT_TRUE(*from == *to || groupcall_transition_allowed(*from, *to))
            << "groupcall " << id << ": " << before.status << " -> " << e.status;
      }
    }
  }
}

// Each resource's events, in arrival order (type and status).
inline std::map<std::string, std::vector<std::string>> per_resource(
    const std::vector<Frame>& frames) {
  std::map<std::string, std::vector<std::string>> out;
  for (auto& f : frames) {
    if (f.is_event()) out[f.id].push_back(f.type + "/" + f.status);
  }
  return out;
}

// Three short-lived legs (about 50 ms): one answers and hangs up, one is busy, one
// gives up.
inline std::vector<std::string> short_legs() {
  return {"a@sim;ring=5;answer=20;hangup=30", "b@sim;busy=15", "c@sim;noanswer=25"};
}

// Creates a groupcall from `body` (by default of short_legs()) every `period` from a
// thread until stopped: a steady stream of events for the backpressure tests.
class Flood {
 public:
  Flood(std::uint16_t port, const std::string& key, std::chrono::milliseconds period,
        std::string body = groupcall_body(short_legs()))
      : thread_([this, port, key, period, body = std::move(body)] {
          auto next = Clock::now();
          while (!stop_) {
            auto answer = http_request(port, "POST", "/v1.0/groupcalls", body, bearer(key));
            ++(answer.status == 200 ? created_ : refused_);
            next += period;
            std::this_thread::sleep_until(next);
          }
        }) {}
  ~Flood() { stop(); }
  Flood(const Flood&) = delete;
  Flood& operator=(const Flood&) = delete;

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int created() const { return created_; }
  int refused() const { return refused_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> created_{0};
  std::atomic<int> refused_{0};
  std::thread thread_;
};

// Reads a client on its own thread, all along, until stopped (or destroyed).
class BackgroundReader {
 public:
  using Done = std::function<bool(const std::vector<Frame>&)>;
  explicit BackgroundReader(WsClient& client, Done done = nullptr)
      : client_(client), done_(std::move(done)), thread_([this] { run(); }) {}
  ~BackgroundReader() { stop(); }
  BackgroundReader(const BackgroundReader&) = delete;
  BackgroundReader& operator=(const BackgroundReader&) = delete;

  // Waits until `done` held (or the connection closed); whether `done` held.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return finished_ || closed_; });
    return finished_;
  }
  // Stops reading; what was read.
  std::vector<Frame> stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    std::lock_guard<std::mutex> guard(mutex_);
    return frames_;
  }

 private:
  void run() {
    while (!stop_) {
      auto text = client_.read(50ms);
      std::lock_guard<std::mutex> guard(mutex_);
      if (text) frames_.push_back(parse_frame(*text));
      if (done_ && !finished_ && done_(frames_)) finished_ = true;
      if (client_.closed()) closed_ = true;
      changed_.notify_all();
      if (closed_) return;
    }
  }

  WsClient& client_;
  Done done_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Frame> frames_;
  bool finished_ = false;
  bool closed_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace chorus::wstest
