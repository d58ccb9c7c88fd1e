// Conferences on CAF's real threaded scheduler: 10,000 answered calls join 100
// conferences from several client threads at once, then all leave at once by
// kicks, their calls' hangups and conference deletes, some kicks racing their
// call's hangup and some racing another kick. Whatever the threads do, no update
// is lost: every participant goes joining, joined, leaving, leaved exactly once,
// every conference lists exactly its participants, and a refused kick (409) never
// makes a participant leave twice.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine_fixture.hpp"

namespace chorus::test {
namespace {

constexpr std::size_t conference_count = 100;
constexpr std::size_t per_conference = 100;
constexpr std::size_t call_count = conference_count * per_conference;
constexpr std::size_t client_threads = 4;
constexpr auto patience = std::chrono::seconds(60);  // a stall, not a slow machine

// How one participant leaves; its conference's index decides whether that
// conference is deleted too.
enum class Exit { kick, hangup, kick_racing_hangup, two_kicks };
constexpr Exit exit_by_member[] = {Exit::kick, Exit::hangup, Exit::kick_racing_hangup,
                                   Exit::two_kicks};
bool deleted_conference(std::size_t k) {
  return k % 5 == 0;
}

// Everything the engine told us: events and the answers to our requests, under
// one lock, with a condition to wait on instead of sleeping.
struct Book {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t answered_groupcalls = 0;
  std::unordered_map<Uuid, std::vector<EventType>> participant_events;
  std::size_t joined = 0;
  std::size_t leaved = 0;
  // Each call's conference_id as its latest event carries it.
  std::unordered_map<Uuid, Uuid> call_conference;
  std::size_t calls_in_conference = 0;
  // Answers.
  std::size_t answers = 0;
  std::unordered_map<Uuid, std::vector<ErrorCode>> kick_refusals;  // conferencecall -> codes
  std::unordered_map<Uuid, int> kicks_taken;
  std::vector<std::string> failures;  // answers that should never come

  void record(const Event& e) {
    std::lock_guard<std::mutex> guard(mutex);
    if (e.type() == EventType::groupcall_progressing) ++answered_groupcalls;
    if (e.kind() == ResourceKind::conferencecall) {
      participant_events[e.resource_id()].push_back(e.type());
      joined += e.type() == EventType::conferencecall_joined;
      leaved += e.type() == EventType::conferencecall_leaved;
    }
    if (e.kind() == ResourceKind::call && e.call()) {
      auto& now = call_conference[e.resource_id()];
      calls_in_conference -= !now.is_zero();
      now = e.call()->conference_id;
      calls_in_conference += !now.is_zero();
    }
    changed.notify_all();
  }

  // Waits for `done` (read under the lock); false after `patience`.
  bool wait(const std::function<bool()>& done) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, patience, done);
  }
  void answered(std::function<void()> note = {}) {
    std::lock_guard<std::mutex> guard(mutex);
    if (note) note();
    ++answers;
    changed.notify_all();
  }
};

struct Member {
  Uuid call_id;
  std::size_t conference = 0;
  Uuid participant_id;  // the conferencecall, once joined
  Exit exit = Exit::kick;
};

class ConferenceStress : public ::testing::Test {
 protected:
  ConferenceStress() {
    options.worker_threads = 2;
    engine = std::make_unique<Engine>(driver, options);
    subscription = engine->subscribe_all([book = book](const Event& e) { book->record(e); });
  }
  ~ConferenceStress() override {
    subscription.cancel();
    engine->stop();
  }

  void create_conferences() {
    for (std::size_t k = 0; k < conference_count; ++k) {
      ConferenceCreate request;
      request.customer_id = customer;
      request.type = ConferenceType::conference;
      auto created = engine->create_conference(request);
      ASSERT_TRUE(created) << created.error().message;
      conferences.push_back(created->id);
    }
  }

  // One groupcall per member to a destination that answers at once and never
  // hangs up; returns once every groupcall has taken its answer.
  void answer_calls() {
    GroupcallRequest request;
    request.customer_id = customer;
    request.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    request.destinations = {endpoint("member@sim;answer=0")};
    for (std::size_t i = 0; i < call_count; ++i) {
      auto created = engine->create_groupcall(request);
      ASSERT_TRUE(created) << created.error().message;
      Member m;
      m.call_id = created->call_ids.at(0);
      m.conference = i % conference_count;
      m.exit = exit_by_member[(i / conference_count) % 4];
      members.push_back(m);
    }
    ASSERT_TRUE(book->wait([&] { return book->answered_groupcalls == call_count; }))
        << book->answered_groupcalls << " of " << call_count << " calls answered";
  }

  // Client thread `t` joins members t, t + client_threads, ... A join refused
  // because the call has not yet heard that it won is asked again (see
  // retried_joins).
  void join_from(std::size_t t) {
    std::vector<std::size_t> pending;
    for (std::size_t i = t; i < call_count; i += client_threads) pending.push_back(i);
    while (!pending.empty()) {
      std::size_t issued = pending.size();
      std::size_t done = 0;
      std::vector<std::size_t> again;
      std::mutex mutex;
      std::condition_variable cv;
      for (auto i : pending) {
        ConferencecallJoin request;
        request.customer_id = customer;
        request.conference_id = conferences[members[i].conference];
        request.reference_id = members[i].call_id;
        engine->join_conference(request, [&, i](Result<Conferencecall> joined) {
          std::lock_guard<std::mutex> guard(mutex);
          if (joined) {
            members[i].participant_id = joined->id;
          } else if (joined.error().code == ErrorCode::conflict &&
                     joined.error().message.find("not answered") != std::string::npos) {
            again.push_back(i);
          } else {
            std::lock_guard<std::mutex> book_guard(book->mutex);
            book->failures.push_back("join: " + joined.error().message);
          }
          ++done;
          cv.notify_all();
        });
      }
      std::unique_lock<std::mutex> lock(mutex);
      if (!cv.wait_for(lock, patience, [&] { return done == issued; })) {
        std::lock_guard<std::mutex> book_guard(book->mutex);
        book->failures.push_back("joins never answered");
        return;
      }
      retried_joins += again.size();
      pending = std::move(again);
    }
  }

  void join_all() {
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < client_threads; ++t)
      threads.emplace_back([this, t] { join_from(t); });
    for (auto& t : threads) t.join();
    ASSERT_TRUE(book->wait([&] { return book->joined == call_count; }))
        << book->joined << " of " << call_count << " joined";
  }

  void kick(const Uuid& participant_id) {
    engine->kick_conferencecall(customer, participant_id, [b = book, participant_id](auto kicked) {
      b->answered([&] {
        if (kicked) {
          ++b->kicks_taken[participant_id];
        } else {
          b->kick_refusals[participant_id].push_back(kicked.error().code);
        }
      });
    });
  }
  void hangup(const Uuid& call_id) {
    engine->hangup_call(customer, call_id, [b = book](Result<Call> hung_up) {
      b->answered([&] {
        if (!hung_up) b->failures.push_back("hangup: " + hung_up.error().message);
      });
    });
  }
  void remove(const Uuid& conference_id) {
    engine->delete_conference(customer, conference_id, [b = book](Result<Conference> deleted) {
      b->answered([&] {
        if (!deleted) b->failures.push_back("delete: " + deleted.error().message);
      });
    });
  }

  // The leaves, dealt to the client threads and shuffled in each: a racing kick
  // and hangup go out back to back from one thread (in either order), the two
  // kicks of one participant from two threads.
  std::size_t leave_all() {
    using Action = std::function<void()>;
    std::vector<std::vector<Action>> work(client_threads);
    std::size_t requests = 0;
    for (std::size_t i = 0; i < call_count; ++i) {
      auto& m = members[i];
      auto t = i % client_threads;
      auto p = m.participant_id;
      auto c = m.call_id;
      switch (m.exit) {
        case Exit::kick:
          work[t].push_back([=] { kick(p); });
          requests += 1;
          break;
        case Exit::hangup:
          work[t].push_back([=] { hangup(c); });
          requests += 1;
          break;
        case Exit::kick_racing_hangup:
          if (i % 2 == 0) {
            work[t].push_back([=] {
              kick(p);
              hangup(c);
            });
          } else {
            work[t].push_back([=] {
              hangup(c);
              kick(p);
            });
          }
          requests += 2;
          break;
        case Exit::two_kicks:
          work[t].push_back([=] { kick(p); });
          work[(t + 1) % client_threads].push_back([=] { kick(p); });
          requests += 2;
          break;
      }
    }
    for (std::size_t k = 0; k < conference_count; ++k) {
      if (!deleted_conference(k)) continue;
      auto id = conferences[k];
      work[k % client_threads].push_back([=] { remove(id); });
      ++requests;
    }
    std::mt19937 shuffle(15);
    for (auto& list : work) std::shuffle(list.begin(), list.end(), shuffle);
    std::vector<std::thread> threads;
    for (auto& list : work) {
      threads.emplace_back([&list] {
        for (auto& act : list) act();
      });
    }
    for (auto& t : threads) t.join();
    return requests;
  }

  std::shared_ptr<SimulatedLegDriver> driver =
      std::make_shared<SimulatedLegDriver>(std::chrono::milliseconds(1));
  EngineOptions options;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Book> book = std::make_shared<Book>();
  Subscription subscription;
  Uuid customer = Uuid::generate();
  std::vector<Uuid> conferences;
  std::vector<Member> members;
  std::atomic<std::size_t> retried_joins{0};  // added to by every client thread
};

TEST_F(ConferenceStress, TenThousandCallsJoinAndLeaveAHundredConferencesConcurrently) {
  auto started = std::chrono::steady_clock::now();
  create_conferences();
  ASSERT_NO_FATAL_FAILURE(answer_calls());
  ASSERT_NO_FATAL_FAILURE(join_all());
  {
    std::lock_guard<std::mutex> guard(book->mutex);
    ASSERT_TRUE(book->failures.empty()) << book->failures.front();
  }

  // While every participant is joined, each conference lists exactly its 100.
  std::vector<std::set<Uuid>> expected(conference_count);
  for (auto& m : members) {
    ASSERT_FALSE(m.participant_id.is_zero());
    expected[m.conference].insert(m.participant_id);
  }
  for (std::size_t k = 0; k < conference_count; ++k) {
    auto c = engine->conference(customer, conferences[k]);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->conferencecall_ids.size(), per_conference) << "conference " << k;
    EXPECT_EQ(std::set<Uuid>(c->conferencecall_ids.begin(), c->conferencecall_ids.end()),
              expected[k])
        << "conference " << k;
  }
  for (auto& m : members) {
    auto p = engine->conferencecall(customer, m.participant_id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, ConferencecallStatus::joined);
    auto call = engine->call(customer, m.call_id);
    ASSERT_TRUE(call);
    EXPECT_EQ(call->conference_id, conferences[m.conference]);
  }
  EXPECT_EQ(engine->stats().live_conferencecalls, call_count);

  auto requests = leave_all();
  ASSERT_TRUE(book->wait([&] {
    return book->answers == requests && book->leaved == call_count &&
           book->calls_in_conference == 0;
  })) << book->answers
      << " of " << requests << " requests answered, " << book->leaved << " leaved, "
      << book->calls_in_conference << " calls still in a conference";
  EXPECT_EQ(engine->stats().live_conferencecalls, 0u);
  EXPECT_EQ(engine->stats().live_conferences, conference_count - conference_count / 5);

  std::lock_guard<std::mutex> guard(book->mutex);
  EXPECT_TRUE(book->failures.empty()) << book->failures.front();
  const std::vector<EventType> lifecycle = {
      EventType::conferencecall_joining, EventType::conferencecall_joined,
      EventType::conferencecall_leaving, EventType::conferencecall_leaved};
  std::size_t refused_kicks = 0;
  std::size_t raced_kicks_refused = 0;
  for (auto& m : members) {
    auto id = m.participant_id;
    EXPECT_EQ(book->participant_events[id], lifecycle) << describe(book->participant_events[id]);
    auto p = engine->conferencecall(customer, id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, ConferencecallStatus::leaved);
    auto taken = book->kicks_taken[id];
    auto& refusals = book->kick_refusals[id];
    for (auto code : refusals) EXPECT_EQ(code, ErrorCode::conflict) << to_string(code);
    refused_kicks += refusals.size();
    EXPECT_LE(taken, 1);
    bool deleted = deleted_conference(m.conference);
    if (m.exit == Exit::kick && !deleted) {
      EXPECT_EQ(taken, 1);
    }
    if (m.exit == Exit::two_kicks && !deleted) {
      EXPECT_EQ(taken + refusals.size(), 2u);
      EXPECT_EQ(taken, 1);
    }
    if (m.exit == Exit::kick_racing_hangup) raced_kicks_refused += refusals.size();
    auto call = engine->call(customer, m.call_id);
    ASSERT_TRUE(call);
    EXPECT_TRUE(call->conference_id.is_zero());
    bool hung_up = m.exit == Exit::hangup || m.exit == Exit::kick_racing_hangup;
    EXPECT_EQ(call->status == CallStatus::hangup, hung_up) << to_string(call->status);
  }
  EXPECT_GT(refused_kicks, 0u) << "no kick was ever refused: the races never happened";
  for (std::size_t k = 0; k < conference_count; ++k) {
    auto c = engine->conference(customer, conferences[k]);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->conferencecall_ids.empty()) << "conference " << k;
    if (deleted_conference(k)) {
      EXPECT_EQ(c->status, ConferenceStatus::terminated);
      EXPECT_TRUE(c->tm_delete.is_set());
    } else {
      EXPECT_EQ(c->status, ConferenceStatus::progressing);
    }
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::cout << "[ stress  ] " << call_count << " calls in " << took.count() << " ms; joins asked "
            << "again after a not-answered refusal: " << retried_joins
            << "; kicks refused: " << refused_kicks << " (racing a hangup: " << raced_kicks_refused
            << ")\n";
}

}  // namespace
}  // namespace chorus::test
