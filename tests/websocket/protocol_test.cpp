// The gateway's protocol against a real chorusd: subscribe and unsubscribe acks,
// prefix matching at each topic level, one delivery per event however many topics
// match, isolation between customers, error frames that leave the connection and
// its subscriptions alone, and seq and per-resource order under concurrency.

#include <gtest/gtest.h>

#include <thread>

#include "ws_test_support.hpp"

namespace chorus::wstest {
namespace {

// A leg that rings (after `ring_ms`) until it is cancelled or times out.
std::string ringing(const std::string& name, int ring_ms = 10) {
  return name + "@sim;ring=" + std::to_string(ring_ms);
}

std::set<std::string> ids_of(const std::vector<Frame>& frames) {
  std::set<std::string> ids;
  for (auto& f : frames) {
    if (f.is_event()) ids.insert(f.id);
  }
  return ids;
}

TEST(WsProtocol, SubscribeAndUnsubscribeAreAckedWithTheirTopics) {
  Chorusd chorusd;
  auto client = open_client(chorusd.port(), key_a, {});
  ASSERT_TRUE(client->is_open());
  std::vector<std::string> two{topic(customer_a, "groupcall"), topic(customer_a, "call")};
  subscribe(*client, two);
  subscribe(*client, {topic(customer_a)});
  // Subscribing again to a topic already held is acked as well.
  subscribe(*client, {topic(customer_a, "call")});
  expect_ack(*client, "unsubscribe", {topic(customer_a, "call")});
  expect_ack(*client, "unsubscribe", two);
  // Unsubscribing from a topic never subscribed is harmless.
  expect_ack(*client, "unsubscribe",
             {topic(customer_a, "groupcall", "5e1ec7ed-dead-4bee-8fed-0123456789ab")});
  EXPECT_FALSE(client->read(300ms)) << "nothing else is sent without events";
}

TEST(WsProtocol, UnsubscribedTopicsGetNoMoreEventsAndResubscribingResumesThem) {
  Chorusd chorusd;
  auto client = open_client(chorusd.port(), key_a, {topic(customer_a, "groupcall")});
  auto first = create_groupcall(chorusd.port(), key_a, {ringing("x")}, 30);
  auto frames = collect(
      *client, [](const std::vector<Frame>& f) { return count_type(f, "groupcall_created"); }, 5s);
  ASSERT_EQ(count_type(frames, "groupcall_created"), 1u);
  EXPECT_EQ(frames.back().id, first.id);
  EXPECT_TRUE(drain(*client).empty());

  expect_ack(*client, "unsubscribe", {topic(customer_a, "groupcall")});
  // Its hangup, and a new groupcall's whole life, are no longer sent.
  EXPECT_EQ(http_request(chorusd.port(), "POST", "/v1.0/groupcalls/" + first.id + "/hangup", "",
                         bearer(key_a))
                .status,
            200u);
  create_groupcall(chorusd.port(), key_a, {"y@sim;answer=10;hangup=20"});
  auto after = drain(*client, 700ms);
  EXPECT_TRUE(after.empty()) << after.front().raw;

  subscribe(*client, {topic(customer_a, "groupcall")});
  auto third = create_groupcall(chorusd.port(), key_a, {"z@sim;answer=10;hangup=20"});
  frames = collect(*client, ended(1, 0), 5s);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  EXPECT_EQ(ids_of(frames), std::set<std::string>{third.id});
  // seq goes on from where it was: events only, acks take none.
  EXPECT_EQ(*frames.front().seq, 2u);
}

TEST(WsProtocol, TopicsMatchAsPrefixesAtEachLevel) {
  Chorusd chorusd;
  auto port = chorusd.port();
  // The first groupcall rings for a while, so its id and its legs' ids are known
  // before most of its events; then it answers and ends.
  auto watched = create_groupcall(
      port, key_a, {"a@sim;ring=600;answer=300;hangup=300", "b@sim;ring=600;busy=200"});
  ASSERT_EQ(watched.call_ids.size(), 2u);
  auto whole = open_client(port, key_a, {topic(customer_a)});
  auto calls = open_client(port, key_a, {topic(customer_a, "call")});
  auto groupcalls = open_client(port, key_a, {topic(customer_a, "groupcall")});
  auto one_groupcall = open_client(port, key_a, {topic(customer_a, "groupcall", watched.id)});
  auto one_call = open_client(port, key_a, {topic(customer_a, "call", watched.call_ids[0])});
  // Another groupcall, created after every subscription.
  auto other = create_groupcall(port, key_a, {"c@sim;answer=100;hangup=100"});

  // The customer's topic sees every event of both groupcalls and their legs,
  // including the second's creation.
  auto all = collect(*whole, ended(2, 3), 10s);
  ASSERT_EQ(count_type(all, "groupcall_hangup"), 2u);
  ASSERT_EQ(count_type(all, "call_hangup"), 3u);
  expect_seq_continuous(all);
  auto ids = ids_of(all);
  EXPECT_TRUE(ids.count(watched.id) && ids.count(other.id) && ids.count(other.call_ids[0]) &&
              ids.count(watched.call_ids[0]) && ids.count(watched.call_ids[1]));
  EXPECT_EQ(count_type(all, "groupcall_created"), 1u) << "only the second's creation came after";
  expect_resource_order(all, true, false);

  auto expected = [&](const std::function<bool(const Frame&)>& keep) {
    std::vector<std::string> out;
    for (auto& f : all) {
      if (f.is_event() && keep(f)) out.push_back(f.id + " " + f.type + "/" + f.status);
    }
    return out;
  };
  auto received = [&](WsClient& client) {
    std::vector<std::string> out;
    auto frames = drain(client, 500ms);
    expect_seq_continuous(frames);
    for (auto& f : frames) {
      EXPECT_TRUE(f.is_event()) << f.raw;
      out.push_back(f.id + " " + f.type + "/" + f.status);
    }
    return out;
  };
  // Order between resources may differ per connection; compare each resource's own.
  auto sorted_by_resource = [](std::vector<std::string> events) {
    std::stable_sort(events.begin(), events.end(), [](const std::string& a, const std::string& b) {
      return a.substr(0, 36) < b.substr(0, 36);
    });
    return events;
  };
  EXPECT_EQ(sorted_by_resource(received(*calls)),
            sorted_by_resource(expected([](const Frame& f) { return f.is_call_event(); })));
  EXPECT_EQ(sorted_by_resource(received(*groupcalls)),
            sorted_by_resource(expected([](const Frame& f) { return f.is_groupcall_event(); })));
  auto watched_only = received(*one_groupcall);
  EXPECT_EQ(watched_only,
            expected([&](const Frame& f) { return f.is_groupcall_event() && f.id == watched.id; }));
  EXPECT_FALSE(watched_only.empty());
  auto one_leg = received(*one_call);
  EXPECT_EQ(one_leg, expected([&](const Frame& f) {
              return f.is_call_event() && f.id == watched.call_ids[0];
            }));
  EXPECT_FALSE(one_leg.empty());
}

TEST(WsProtocol, AnEventArrivesOnceWhenSeveralTopicsMatchIt) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto single = open_client(port, key_a, {topic(customer_a)});
  auto several = open_client(port, key_a, {topic(customer_a), topic(customer_a, "groupcall")});
  subscribe(*several, {topic(customer_a, "call")});
  auto gc = create_groupcall(port, key_a, {"a@sim;answer=50;hangup=50", "b@sim;busy=30"});
  // Every level matches this groupcall now: its remaining events must still come once.
  subscribe(*several,
            {topic(customer_a, "groupcall", gc.id), topic(customer_a, "call", gc.call_ids[0])});
  auto expected = collect(*single, ended(1, 2), 5s);
  ASSERT_EQ(count_type(expected, "groupcall_hangup"), 1u);
  auto got = collect(*several, ended(1, 2), 5s);
  auto extra = drain(*several, 300ms);
  got.insert(got.end(), extra.begin(), extra.end());
  expect_seq_continuous(got);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_EQ(per_resource(got), per_resource(expected));
  // No event twice: each resource has each event type at most once here.
  std::map<std::string, int> seen;
  for (auto& f : got) ++seen[f.id + f.type];
  for (auto& [key, n] : seen) {
    EXPECT_EQ(n, 1) << key;
  }
}

TEST(WsProtocol, AKeyNeverReceivesAnotherCustomersEvents) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto theirs = create_groupcall(port, key_b, {ringing("held")}, 30);
  auto a = open_client(port, key_a, {topic(customer_a)});
  // Every level of B's topics is refused for A's key, with the connection kept.
  for (auto& foreign : {topic(customer_b), topic(customer_b, "call"),
                        topic(customer_b, "groupcall"), topic(customer_b, "groupcall", theirs.id),
                        topic(customer_b, "call", theirs.call_ids.at(0))}) {
    SCOPED_TRACE(foreign);
    auto error = expect_error(*a, topics_message("subscribe", {foreign}));
    EXPECT_NE(error.message.find("own customer"), std::string::npos) << error.raw;
  }
  // Mixed with one of A's own, the whole request is refused: nothing subscribed.
  auto mixed = open_client(port, key_a, {});
  expect_error(*mixed, topics_message("subscribe", {topic(customer_a), topic(customer_b)}));
  // A connection of B's receives B's events (the control)...
  auto b = open_client(port, key_b, {topic(customer_b)});
  std::vector<std::thread> creators;
  for (int i = 0; i < 5; ++i) {
    creators.emplace_back([port] {
      create_groupcall(port, key_b, {"p@sim;answer=30;hangup=30", "q@sim;busy=20"});
    });
  }
  for (auto& t : creators) t.join();
  auto bs = collect(*b, ended(5, 10), 10s);
  ASSERT_EQ(count_type(bs, "groupcall_hangup"), 5u);
  for (auto& f : bs) {
    EXPECT_EQ(f.customer_id, customer_b) << f.raw;
  }
  // ...and none of them reached A's connections.
  auto leaked = drain(*a, 500ms);
  EXPECT_TRUE(leaked.empty()) << leaked.front().raw;
  leaked = drain(*mixed, 100ms);
  EXPECT_TRUE(leaked.empty()) << leaked.front().raw;
  // A's own events do reach A, and only A's.
  create_groupcall(port, key_a, {"r@sim;answer=10;hangup=10"});
  auto as = collect(*a, ended(1, 1), 5s);
  ASSERT_EQ(count_type(as, "groupcall_hangup"), 1u);
  for (auto& f : as) {
    EXPECT_EQ(f.customer_id, customer_a) << f.raw;
  }
  expect_seq_continuous(as);
  EXPECT_TRUE(drain(*mixed, 100ms).empty()) << "a refused subscribe subscribes nothing";
}

TEST(WsProtocol, ErrorsKeepTheConnectionAndItsSubscriptions) {
  Chorusd chorusd;
  auto client = open_client(chorusd.port(), key_a, {topic(customer_a, "groupcall")});
  std::vector<std::pair<std::string, std::string>> bad{
      {"malformed JSON", R"({"type":"subscribe","topics":[)"},
      {"not JSON at all", "hello"},
      {"a JSON array", R"(["subscribe"])"},
      {"a JSON string", R"("subscribe")"},
      {"no type", R"({"topics":["customer_id:)" + customer_a + R"("]})"},
      {"type not a string", R"({"type":1,"topics":[]})"},
      {"unknown type", R"({"type":"publish","topics":["customer_id:)" + customer_a + R"("]})"},
      {"no topics", R"({"type":"subscribe"})"},
      {"empty topics", R"({"type":"subscribe","topics":[]})"},
      {"topics not an array", R"({"type":"subscribe","topics":"customer_id:)" + customer_a + "\"}"},
      {"a topic not a string", R"({"type":"subscribe","topics":[42]})"},
      {"no customer_id prefix", topics_message("subscribe", {"customer:" + customer_a})},
      {"customer not a UUID", topics_message("subscribe", {"customer_id:not-a-uuid"})},
      {"unknown resource", topics_message("subscribe", {topic(customer_a, "calls")})},
      {"empty resource", topics_message("subscribe", {topic(customer_a) + ":"})},
      {"resource id not a UUID", topics_message("subscribe", {topic(customer_a, "call", "42")})},
      {"too many parts",
       topics_message("subscribe", {topic(customer_a, "call", customer_a) + ":x"})},
      {"bad unsubscribe", topics_message("unsubscribe", {"customer_id:"})},
      {"foreign customer", topics_message("subscribe", {topic(customer_b)})},
  };
  for (auto& [what, message] : bad) {
    SCOPED_TRACE(what);
    expect_error(*client, message);
    ASSERT_TRUE(client->is_open());
  }
  // A malformed topic in a list names its place.
  auto error = expect_error(*client, topics_message("subscribe", {topic(customer_a), "nonsense"}));
  EXPECT_NE(error.message.find("topics[1]"), std::string::npos) << error.raw;
  // The error frames are not events: the first event still has seq 1, and the
  // subscription made before the errors still delivers.
  auto gc = create_groupcall(chorusd.port(), key_a, {"x@sim;answer=10;hangup=10"});
  auto frames = collect(*client, ended(1, 0), 5s);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), 1u);
  ASSERT_TRUE(frames.front().seq);
  EXPECT_EQ(*frames.front().seq, 1u);
  EXPECT_EQ(frames.front().type, "groupcall_created");
  EXPECT_EQ(frames.front().id, gc.id);
  expect_seq_continuous(frames);
  // And new subscriptions still work on it.
  subscribe(*client, {topic(customer_a, "call")});
}

TEST(WsProtocol, SeqAndPerResourceOrderHoldUnderTwentyConcurrentGroupcalls) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto one = open_client(port, key_a, {topic(customer_a)});
  // Three topics that each match every event: still one delivery each.
  auto three = open_client(
      port, key_a, {topic(customer_a), topic(customer_a, "groupcall"), topic(customer_a, "call")});
  const std::vector<std::string> menu{"a@sim;ring=20;answer=120;hangup=150",
                                      "b@sim;ring=10;busy=80",
                                      "c@sim;ring=30",
                                      "d@sim;noanswer=100",
                                      "e@sim;fail=60",
                                      "f@sim;reject=90",
                                      "g@sim;answer=60;hangup=100"};
  constexpr int groupcalls = 20, legs = 3;
  std::vector<std::thread> creators;
  std::vector<Created> created(groupcalls);
  for (int i = 0; i < groupcalls; ++i) {
    creators.emplace_back([&, i] {
      created[i] =
          create_groupcall(port, key_a, {menu[i % 7], menu[(i + 2) % 7], menu[(i + 4) % 7]}, 1);
    });
  }
  for (auto& t : creators) t.join();
  for (auto& c : created) {
    ASSERT_EQ(c.call_ids.size(), static_cast<std::size_t>(legs)) << c.body;
  }

  for (auto* client : {one.get(), three.get()}) {
    SCOPED_TRACE(client == one.get() ? "one topic" : "three topics");
    auto frames = collect(*client, ended(groupcalls, groupcalls * legs), 20s);
    auto late = drain(*client, 300ms);
    frames.insert(frames.end(), late.begin(), late.end());
    ASSERT_EQ(count_type(frames, "groupcall_hangup"), static_cast<std::size_t>(groupcalls));
    ASSERT_EQ(count_type(frames, "call_hangup"), static_cast<std::size_t>(groupcalls * legs));
    EXPECT_EQ(count_type(frames, "groupcall_created"), static_cast<std::size_t>(groupcalls));
    EXPECT_EQ(count_type(frames, "call_created"), static_cast<std::size_t>(groupcalls * legs));
    EXPECT_EQ(count_type(frames, "events_dropped"), 0u);
    expect_seq_continuous(frames);
    EXPECT_EQ(*frames.back().seq, frames.size());
    expect_resource_order(frames, true);
    // Every leg belongs to one of the groupcalls and lists it as its own.
    std::map<std::string, std::string> owner;
    for (auto& c : created) {
      for (auto& leg : c.call_ids) owner[leg] = c.id;
    }
    for (auto& f : frames) {
      if (f.is_call_event()) {
        EXPECT_EQ(owner[f.id], f.groupcall_id) << f.raw;
      }
      EXPECT_EQ(f.customer_id, customer_a) << f.raw;
    }
  }
}

// The tm_delete of a call snapshot: the body itself (a REST answer) or an event's data.
std::string tm_delete_of(const std::string& json, const char* within = nullptr) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  if (!within) return member_string(doc, "tm_delete");
  auto data = doc.FindMember(within);
  return data == doc.MemberEnd() ? std::string() : member_string(data->value, "tm_delete");
}

TEST(WsProtocol, DeletingACallPublishesCallDeletedAfterItsHangup) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto client = open_client(port, key_a, {topic(customer_a, "call")});
  auto created = create_groupcall(port, key_a, {"a@sim;busy=10"});
  ASSERT_EQ(created.call_ids.size(), 1u) << created.body;
  auto leg = created.call_ids[0];
  auto frames = collect(*client, ended(0, 1), 5s);
  ASSERT_EQ(count_type(frames, "call_hangup"), 1u);
  EXPECT_EQ(count_type(frames, "call_deleted"), 0u);

  auto deleted = http_request(port, "DELETE", "/v1.0/calls/" + leg, "", bearer(key_a));
  ASSERT_EQ(deleted.status, 200u) << deleted.error << deleted.body;
  auto tm_delete = tm_delete_of(deleted.body);
  ASSERT_FALSE(tm_delete.empty()) << deleted.body;
  EXPECT_NE(tm_delete, "9999-01-01 00:00:00.000000") << deleted.body;
  auto after = collect(
      *client, [](const std::vector<Frame>& f) { return count_type(f, "call_deleted") > 0; }, 5s);
  ASSERT_EQ(count_type(after, "call_deleted"), 1u);
  auto& event = after.back();
  EXPECT_EQ(event.id, leg);
  EXPECT_EQ(event.status, "hangup");
  EXPECT_EQ(tm_delete_of(event.raw, "data"), tm_delete) << event.raw;

  // Deleting again changes nothing, so announces nothing; and nothing follows.
  EXPECT_EQ(http_request(port, "DELETE", "/v1.0/calls/" + leg, "", bearer(key_a)).status, 200u);
  auto late = drain(*client);
  frames.insert(frames.end(), after.begin(), after.end());
  frames.insert(frames.end(), late.begin(), late.end());
  EXPECT_EQ(count_type(frames, "call_deleted"), 1u);
  expect_seq_continuous(frames);
  expect_resource_order(frames, true);
  EXPECT_EQ(frames.back().type, "call_deleted");
}

}  // namespace
}  // namespace chorus::wstest
