// Conferences across the nodes of a cluster (actors/conference_peers.hpp), in one
// process: two engines on one shared store, their peers a loopback that hands each
// message to whichever engine runs its target, as NATS does between chorusd nodes.
// The conference runs on one engine and the call on the other: the participant
// runs beside its call (that node's driver bridges it), and the conference keeps
// the roll. Both engines run on real threads, so every wait is a poll.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine_fixture.hpp"
#include "fake_store.hpp"
#include "tests/support/eventually.hpp"
#include "threaded_options.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

// Every message goes to every engine; the one that runs its target takes it, as
// chorus.conferences does between nodes. cut() drops everything: no node answers.
class LoopbackPeers final : public ConferencePeers {
 public:
  void connect(std::vector<Engine*> engines) { engines_ = std::move(engines); }
  void cut(bool cut) { cut_ = cut; }
  int asked() const { return asked_; }

  void seat(const RemoteSeat& seat, std::function<void(Result<Conferencecall>)> answer) override {
    first_answer([&](Engine& e, Answer done) { e.seat_for_peer(seat, std::move(done)); },
                 std::move(answer));
  }

  void join(const RemoteJoin& join, std::function<void(Result<Conferencecall>)> answer) override {
    first_answer([&](Engine& e, Answer done) { e.join_for_peer(join, std::move(done)); },
                 std::move(answer));
  }

  void tell_conference(const Uuid& conference_id, const Uuid& conferencecall_id,
                       ParticipantNews news) override {
    for (auto* engine : cut_ ? std::vector<Engine*>{} : engines_) {
      engine->conference_news(conference_id, conferencecall_id, news);
    }
  }

  void end_participant(const Uuid& conferencecall_id, std::function<void(bool)> done) override {
    bool delivered = false;
    for (auto* engine : cut_ ? std::vector<Engine*>{} : engines_) {
      delivered = engine->end_participant_for_peer(conferencecall_id) || delivered;
    }
    done(delivered);
  }

 private:
  using Answer = std::function<void(std::optional<Result<Conferencecall>>)>;

  // Asks every engine; the one that runs the target answers, the others give
  // nothing (and when all do, nobody answered).
  template <class Ask>
  void first_answer(Ask ask, std::function<void(Result<Conferencecall>)> answer) {
    ++asked_;
    if (cut_) return answer(unanswered());
    struct Round {
      std::mutex mutex;
      std::size_t silent = 0;
      std::function<void(Result<Conferencecall>)> answer;
    };
    auto round = std::make_shared<Round>();
    round->answer = std::move(answer);
    const std::size_t engines = engines_.size();
    for (auto* engine : engines_) {
      ask(*engine, [round, engines](std::optional<Result<Conferencecall>> r) {
        std::lock_guard<std::mutex> guard(round->mutex);
        if (r) return round->answer(std::move(*r));
        if (++round->silent == engines) round->answer(unanswered());
      });
    }
  }

  static Error unanswered() {
    return Error::unavailable("no node of the cluster answered for the call");
  }
  std::vector<Engine*> engines_;
  std::atomic<bool> cut_{false};
  std::atomic<int> asked_{0};
};

class ConferencePeersTest : public ::testing::Test {
 protected:
  ConferencePeersTest() {
    peers->connect({&calls.engine, &conferences.engine});
    calls.engine.connect_conference_peers(peers);
    conferences.engine.connect_conference_peers(peers);
  }
  ~ConferencePeersTest() override {
    // Each engine's stop may still tell the other: stopped in turn, then cut off.
    peers->cut(true);
    calls.engine.connect_conference_peers(nullptr);
    conferences.engine.connect_conference_peers(nullptr);
  }

  Conference conference_on_b(ConferenceType type = ConferenceType::conference) {
    ConferenceCreate request;
    request.customer_id = customer();
    request.type = type;
    auto created = conferences.engine.create_conference(request);
    if (!created) throw std::runtime_error(created.error().message);
    return *created;
  }

  // A call on A, answered by `target`, once it is.
  Uuid answered_call_on_a(const std::string& target) {
    auto created = calls.engine.create_groupcall(calls.request({endpoint(target)}));
    if (!created) throw std::runtime_error(created.error().message);
    EXPECT_TRUE(eventually([&] { return calls.driver->call_for(target).has_value(); }));
    const Uuid leg = calls.leg(target);
    calls.driver->report(leg, LegReport::answered);
    EXPECT_TRUE(eventually([&] { return call(leg).status == CallStatus::progressing; }));
    return leg;
  }

  Result<Conferencecall> join(Engine& through, const Uuid& conference_id, const Uuid& call_id) {
    ConferencecallJoin request;
    request.customer_id = customer();
    request.conference_id = conference_id;
    request.reference_id = call_id;
    std::promise<Result<Conferencecall>> answer;
    through.join_conference(request, [&](Result<Conferencecall> r) { answer.set_value(r); });
    auto future = answer.get_future();
    if (future.wait_for(5s) != std::future_status::ready) throw std::runtime_error("no answer");
    return future.get();
  }

  Result<Conferencecall> kick(Engine& through, const Uuid& id) {
    std::promise<Result<Conferencecall>> answer;
    through.kick_conferencecall(customer(), id,
                                [&](Result<Conferencecall> r) { answer.set_value(r); });
    return answer.get_future().get();
  }

  const Uuid& customer() const { return calls.customer; }
  // Read through B, which runs neither the call nor the participant.
  Call call(const Uuid& id) { return conferences.engine.call(customer(), id).value(); }
  Conferencecall participant(const Uuid& id) {
    return conferences.engine.conferencecall(customer(), id).value();
  }
  Conference conference(const Uuid& id) {
    return conferences.engine.conference(customer(), id).value();
  }
  bool leaved(const Uuid& participant_id) {
    return participant(participant_id).status == ConferencecallStatus::leaved;
  }
  bool off_the_roll(const Uuid& conference_id) {
    return conference(conference_id).conferencecall_ids.empty();
  }

  std::shared_ptr<FakeStore> store = std::make_shared<FakeStore>();
  std::shared_ptr<LoopbackPeers> peers = std::make_shared<LoopbackPeers>();
  ScriptedHarness calls{threaded_options(), store};        // node A: runs the calls
  ScriptedHarness conferences{threaded_options(), store};  // node B: runs the conference
};

TEST_F(ConferencePeersTest, ACallJoinsAConferenceAnotherEngineRunsAndIsKickedFromIt) {
  auto c = conference_on_b();
  auto call_id = answered_call_on_a("alice");

  auto joined = join(conferences.engine, c.id, call_id);
  ASSERT_TRUE(joined) << joined.error().message;
  EXPECT_EQ(joined->status, ConferencecallStatus::joining);
  EXPECT_EQ(joined->conference_id, c.id);
  EXPECT_EQ(joined->reference_id, call_id);
  EXPECT_EQ(peers->asked(), 1) << "B asked the node that runs the call";
  EXPECT_EQ(conference(c.id).conferencecall_ids, std::vector<Uuid>{joined->id});
  EXPECT_EQ(call(call_id).conference_id, c.id);
  // The participant runs beside its call: A's driver bridges it, and B learns it joined.
  EXPECT_EQ(calls.engine.stats().live_conferencecalls, 1u);
  EXPECT_EQ(conferences.engine.stats().live_conferencecalls, 0u);
  ASSERT_TRUE(
      eventually([&] { return participant(joined->id).status == ConferencecallStatus::joined; }));

  auto kicked = kick(calls.engine, joined->id);
  ASSERT_TRUE(kicked) << kicked.error().message;
  ASSERT_TRUE(eventually([&] { return leaved(joined->id) && off_the_roll(c.id); }));
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::progressing);
  // The call gives its seat back as its participant leaves, in a commit of its own.
  EXPECT_TRUE(eventually([&] { return call(call_id).conference_id.is_zero(); }))
      << "the call is in no conference again";
  EXPECT_EQ(call(call_id).status, CallStatus::progressing);

  auto through_a = join(calls.engine, c.id, call_id);
  ASSERT_FALSE(through_a);
  EXPECT_EQ(through_a.error().code, ErrorCode::elsewhere)
      << "A does not run the conference: the REST API hands the join to B whole";
  auto through_b = join(conferences.engine, c.id, call_id);
  ASSERT_TRUE(through_b) << through_b.error().message;
  EXPECT_NE(through_b->id, joined->id);
}

TEST_F(ConferencePeersTest, AParticipantWhoseCallHangsUpLeavesAndAConnectConferenceEnds) {
  auto c = conference_on_b(ConferenceType::connect);
  auto first = answered_call_on_a("alice");
  auto second = answered_call_on_a("bob");
  auto p1 = join(conferences.engine, c.id, first).value();
  auto p2 = join(conferences.engine, c.id, second).value();
  ASSERT_TRUE(eventually([&] {
    return participant(p1.id).status == ConferencecallStatus::joined &&
           participant(p2.id).status == ConferencecallStatus::joined;
  }));

  calls.driver->report(first, LegReport::remote_hangup);
  ASSERT_TRUE(eventually([&] { return leaved(p1.id); }));
  // Connect: fewer than two left after two were in; the other participant leaves too.
  ASSERT_TRUE(eventually(
      [&] { return conference(c.id).status == ConferenceStatus::terminated && leaved(p2.id); }));
  EXPECT_EQ(call(second).status, CallStatus::progressing) << "its call stays up";
}

TEST_F(ConferencePeersTest, AConferenceThatEndsMakesItsParticipantsOnTheOtherEngineLeave) {
  auto c = conference_on_b();
  auto call_id = answered_call_on_a("alice");
  auto p = join(conferences.engine, c.id, call_id).value();

  std::promise<Result<Conference>> deleted;
  conferences.engine.delete_conference(customer(), c.id,
                                       [&](Result<Conference> r) { deleted.set_value(r); });
  auto answer = deleted.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready) << "the delete waits for the roll";
  ASSERT_TRUE(answer.get());
  // A told the conference its participant left only once that was committed: read
  // through B the moment the delete answers, it has.
  EXPECT_TRUE(leaved(p.id));
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::terminated);
  EXPECT_EQ(call(call_id).status, CallStatus::progressing);
  EXPECT_TRUE(eventually([&] { return calls.engine.stats().live_conferencecalls == 0; }));
}

TEST_F(ConferencePeersTest, ARefusedSeatLeavesNothingBehindAndTheConferenceStillEnds) {
  auto c = conference_on_b();
  auto created = calls.engine.create_groupcall(calls.request({endpoint("carol")}));
  ASSERT_TRUE(created);
  ASSERT_TRUE(eventually([&] { return calls.driver->call_for("carol").has_value(); }));
  const Uuid ringing = calls.leg("carol");

  auto refused = join(conferences.engine, c.id, ringing);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message, "call is not answered");
  EXPECT_TRUE(conference(c.id).conferencecall_ids.empty());

  std::promise<Result<Conference>> deleted;
  conferences.engine.delete_conference(customer(), c.id,
                                       [&](Result<Conference> r) { deleted.set_value(r); });
  auto answer = deleted.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready) << "no seat is left pending";
  EXPECT_TRUE(answer.get());
}

TEST_F(ConferencePeersTest, WithNoNodeAnsweringAJoinIsUnavailableAndAnEndingConferenceDropsIt) {
  auto c = conference_on_b();
  auto call_id = answered_call_on_a("alice");
  peers->cut(true);
  auto unanswered = join(conferences.engine, c.id, call_id);
  ASSERT_FALSE(unanswered);
  EXPECT_EQ(unanswered.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(call(call_id).conference_id.is_zero());

  peers->cut(false);
  auto p = join(conferences.engine, c.id, call_id).value();
  peers->cut(true);  // A is out of reach: the conference cannot tell it to leave
  std::promise<Result<Conference>> deleted;
  conferences.engine.delete_conference(customer(), c.id,
                                       [&](Result<Conference> r) { deleted.set_value(r); });
  auto answer = deleted.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready)
      << "a participant nobody answers for is off the roll";
  ASSERT_TRUE(answer.get());
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::terminated);
  EXPECT_NE(participant(p.id).status, ConferencecallStatus::leaved)
      << "A never heard: its participant is A's (or its survivor's) to end";
}

TEST_F(ConferencePeersTest, AGroupcallsWinnerJoinsTheConferenceTheOtherEngineRuns) {
  auto c = conference_on_b();
  auto request = calls.request({endpoint("alice"), endpoint("bob")});
  request.conference_id = c.id;
  auto created = calls.engine.create_groupcall(request);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE(eventually([&] { return calls.driver->call_for("bob").has_value(); }));
  const Uuid winner = calls.leg("bob");
  calls.driver->report(winner, LegReport::answered);

  ASSERT_TRUE(eventually([&] { return conference(c.id).conferencecall_ids.size() == 1; }));
  auto p = participant(conference(c.id).conferencecall_ids.front());
  EXPECT_EQ(p.reference_id, winner);
  EXPECT_TRUE(eventually([&] { return call(winner).conference_id == c.id; }));
  EXPECT_EQ(calls.engine.stats().live_conferencecalls, 1u) << "beside its call, on A";
  EXPECT_TRUE(eventually([&] { return participant(p.id).status == ConferencecallStatus::joined; }));

  // A conference that is not live anywhere is refused at creation, as on one node.
  request.conference_id = Uuid::generate();
  auto refused = calls.engine.create_groupcall(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "conference_id");
}

TEST_F(ConferencePeersTest, AParticipantEndedByATakeoverIsOffItsConferencesRoll) {
  auto c = conference_on_b();
  auto call_id = answered_call_on_a("alice");
  auto p = join(conferences.engine, c.id, call_id).value();
  ASSERT_TRUE(eventually([&] { return participant(p.id).status == ConferencecallStatus::joined; }));

  // B takes over what A left live (as a survivor does once A's lease expired).
  LeftLive left;
  left.live_calls = {call(call_id)};
  left.live_conferencecalls = {participant(p.id)};
  ASSERT_TRUE(conferences.engine.end_left_live(left));
  EXPECT_TRUE(leaved(p.id));
  ASSERT_TRUE(eventually([&] { return off_the_roll(c.id); }));
  EXPECT_EQ(conference(c.id).status, ConferenceStatus::progressing);
}

}  // namespace
}  // namespace chorus::test
