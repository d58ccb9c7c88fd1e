// Conferences through a crash: chorusd killed with SIGKILL while a conference is live
// with a joined participant, then started again on the same --data-dir. Recovery ends
// what was live (the conference terminated with tm_end, its participant leaved), and
// both are still readable and listed; a conference that had ended before reads the
// same byte for byte.

#include <gtest/gtest.h>

#include <csignal>

#include "conference_fixture.hpp"
#include "store_fixture.hpp"

namespace chorus::test {
namespace {

class ConferenceRestart : public StoreApiTest {
 protected:
  // SIGKILL: nothing of a clean shutdown runs; then a new chorusd on the same data.
  void crash_and_restart() {
    daemon->signal(SIGKILL);
    daemon->expect_clean_exit(false);
    auto status = daemon->wait(std::chrono::seconds(10));
    ASSERT_TRUE(status.has_value());
    ASSERT_TRUE(status->signaled && status->signal == SIGKILL) << status->to_string();
    a.reset();
    b.reset();
    daemon.reset();
    start();
  }
};

TEST_F(ConferenceRestart, ALiveConferenceAndItsParticipantAreEndedAfterACrash) {
  // One that ended before the crash, deleted and with a participant that left.
  auto ended = str(create_conference(*a, R"({"name":"ended"})"), "id");
  auto ended_participant = str(join_and_await(*a, ended, answered_call(*a, "early")), "id");
  ASSERT_EQ(a->del(conference_path(ended)).status, 200u);
  poll(*a, conferencecall_path(ended_participant), status_is("leaved"));
  auto ended_before = bodies(*a, {conference_path(ended), conferencecall_path(ended_participant)});

  auto live = create_conference(*a, R"({"name":"live","data":{"k":"v"},"timeout":3600})");
  auto id = str(live, "id");
  auto call_id = answered_call(*a, "live");
  auto participant = join_and_await(*a, id, call_id);
  auto participant_id = str(participant, "id");
  ASSERT_EQ(str(get_call(*a, call_id), "conference_id"), id);
  {
    SqliteFile db(database());
    EXPECT_EQ(db.ids("conferences", "live = 1"), std::set<std::string>{id});
    EXPECT_EQ(db.ids("conferencecalls", "live = 1"), std::set<std::string>{participant_id});
  }

  crash_and_restart();

  auto conference = get_conference(*a, id);
  EXPECT_EQ(str(conference, "status"), "terminated");
  EXPECT_NE(str(conference, "tm_end"), not_yet);
  EXPECT_GE(str(conference, "tm_end"), str(participant, "tm_update"));
  EXPECT_EQ(str(conference, "tm_delete"), not_yet) << "ended, not deleted";
  EXPECT_TRUE(strings(conference, "conferencecall_ids").empty()) << compact(conference);
  // What it was stays as it was.
  EXPECT_EQ(str(conference, "name"), "live");
  EXPECT_EQ(compact(conference["data"]), R"({"k":"v"})");
  EXPECT_EQ(str(conference, "direct_hash"), str(live, "direct_hash"));
  EXPECT_EQ(str(conference, "tm_create"), str(live, "tm_create"));

  auto left = get_conferencecall(*a, participant_id);
  EXPECT_EQ(str(left, "status"), "leaved");
  EXPECT_EQ(str(left, "conference_id"), id);
  EXPECT_EQ(str(left, "reference_id"), call_id);
  EXPECT_EQ(str(left, "tm_create"), str(participant, "tm_create"));
  auto call_after = get_call(*a, call_id);
  EXPECT_EQ(str(call_after, "status"), "hangup");

  EXPECT_EQ(listed_conferences(*a), std::vector<std::string>{id}) << "the deleted one is not";
  EXPECT_EQ(listed_conferencecalls(*a),
            (std::vector<std::string>{participant_id, ended_participant}));
  EXPECT_EQ(bodies(*a, {conference_path(ended), conferencecall_path(ended_participant)}),
            ended_before);

  // Ended for good: no update, no join, and a second restart changes nothing.
  expect_error(a->put(conference_path(id), R"({"name":"again"})"), 409, "CONFLICT");
  expect_error(post_join(*a, id, answered_call(*a, "late")), 409, "CONFLICT");
  auto after_recovery = bodies(*a, {conference_path(id), conferencecall_path(participant_id)});
  restart();
  EXPECT_EQ(bodies(*a, {conference_path(id), conferencecall_path(participant_id)}), after_recovery);
  SqliteFile db(database());
  EXPECT_EQ(db.integer("SELECT count(*) FROM conferences WHERE live = 1"), 0);
  EXPECT_EQ(db.integer("SELECT count(*) FROM conferencecalls WHERE live = 1"), 0);
}

}  // namespace
}  // namespace chorus::test
