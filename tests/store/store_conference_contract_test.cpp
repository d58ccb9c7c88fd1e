// Conferences and conferencecalls on every backend: they read back as written
// (after a restart too), list like calls (newest first, `before` exclusive, per
// customer, deleted ones hidden), load() finds only the live ones, purge() removes
// the ended ones, participants first, and they commit or fail in one transaction
// with other rows.

#include <gtest/gtest.h>

#include <set>

#include "model/conference_transitions.hpp"
#include "store_contract.hpp"

namespace chorus::store_test {
namespace {

template <class T>
std::vector<Uuid> ids(const std::vector<T>& resources) {
  std::vector<Uuid> out;
  for (const T& r : resources) out.push_back(r.id);
  return out;
}

class ConferenceContract : public StoreContract {
 protected:
  const Uuid customer_ = Uuid::generate();
};

TEST_P(ConferenceContract, BothKindsReadBackAsWrittenAlsoAfterARestart) {
  Conference ended = full_conference(customer_, at(0));
  ended.status = ConferenceStatus::terminated;
  ended.conferencecall_ids.clear();
  ended.tm_end = at(4000);
  ended.tm_delete = at(5000);
  Conferencecall left = full_conferencecall(customer_, at(1), ended.id);
  left.status = ConferencecallStatus::leaved;
  left.tm_delete = at(5000);
  const Conference live = full_conference(customer_, at(2));
  const Conferencecall joined = full_conferencecall(customer_, at(3), live.id);
  ASSERT_TRUE(store().write({row(ended), row(left), row(live), row(joined)}));

  auto expect_both_back = [&] {
    for (const Conference& c : {ended, live}) {
      Result<std::optional<Conference>> read = store().conference(c.id);
      ASSERT_TRUE(read.ok()) << read.error().message;
      ASSERT_TRUE(read->has_value());
      EXPECT_EQ(**read, c);
      EXPECT_EQ(to_json(**read), to_json(c));
    }
    for (const Conferencecall& p : {left, joined}) {
      Result<std::optional<Conferencecall>> read = store().conferencecall(p.id);
      ASSERT_TRUE(read.ok()) << read.error().message;
      ASSERT_TRUE(read->has_value());
      EXPECT_EQ(**read, p);
      EXPECT_EQ(to_json(**read), to_json(p));
    }
  };
  expect_both_back();
  ASSERT_TRUE(reopen());
  expect_both_back();
  // A conference is not a conferencecall, nor the other way round.
  Result<std::optional<Conference>> wrong_kind = store().conference(joined.id);
  ASSERT_TRUE(wrong_kind.ok());
  EXPECT_FALSE(wrong_kind->has_value());
  Result<std::optional<Conferencecall>> unknown = store().conferencecall(Uuid::generate());
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());

  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END, tm_update, tm_delete FROM conferences"
                " WHERE tm_delete IS NULL"),
            "1|" + std::to_string(live.tm_update.micros()) + "|NULL");
  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END FROM conferencecalls WHERE tm_delete IS "
                "NOT NULL"),
            "0");
}

TEST_P(ConferenceContract, ALaterSnapshotReplacesTheRow) {
  Conference conference = full_conference(customer_, at(0));
  Conferencecall participant = full_conferencecall(customer_, at(1), conference.id);
  ASSERT_TRUE(store().write({row(conference), row(participant)}));
  Conference terminating = conference;
  terminating.status = ConferenceStatus::terminating;
  Conference terminated = terminating;
  terminated.status = ConferenceStatus::terminated;
  terminated.tm_update = at(9000);
  participant.status = ConferencecallStatus::leaved;
  ASSERT_TRUE(store().write({row(terminating), row(participant), row(terminated)}));

  Result<std::optional<Conference>> read = store().conference(conference.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, terminated);
  EXPECT_EQ(rows_in("conferences"), "1");
  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END, tm_update FROM conferences"),
            "0|" + std::to_string(at(9000).micros()));
  EXPECT_EQ(rows_in("conferencecalls"), "1");
  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END FROM conferencecalls"), "0");
}

TEST_P(ConferenceContract, ListsPageNewestFirstAndKeepCustomersApart) {
  const Uuid other = Uuid::generate();
  constexpr int count = 25;
  std::vector<StoreRow> rows;
  std::vector<Uuid> conferences;  // newest first, as a list should come
  std::vector<Uuid> participants;
  for (int i = count - 1; i >= 0; --i) {
    const Conference mine = full_conference(customer_, at(i * 10));
    const Conferencecall joined = full_conferencecall(customer_, at(i * 10 + 1), mine.id);
    conferences.push_back(mine.id);
    participants.push_back(joined.id);
    rows.push_back(row(joined));
    rows.push_back(row(mine));
    // The other customer's rows fall between and on the same instants as ours.
    rows.push_back(row(full_conference(other, at(i * 10))));
    rows.push_back(row(full_conferencecall(other, at(i * 10 + 5))));
  }
  ASSERT_TRUE(store().write(rows));

  std::vector<Uuid> listed_conferences;
  std::optional<Timestamp> before;
  for (int page = 0; page < 10; ++page) {
    Result<std::vector<Conference>> listed = store().conferences(customer_, 10, before);
    ASSERT_TRUE(listed.ok()) << listed.error().message;
    if (listed->empty()) break;
    EXPECT_LE(listed->size(), 10u);
    for (const Conference& c : *listed) EXPECT_EQ(c.customer_id, customer_);
    const std::vector<Uuid> page_ids = ids(*listed);
    listed_conferences.insert(listed_conferences.end(), page_ids.begin(), page_ids.end());
    before = listed->back().tm_create;
  }
  EXPECT_EQ(listed_conferences, conferences);

  std::vector<Uuid> listed_participants;
  before.reset();
  for (int page = 0; page < 10; ++page) {
    Result<std::vector<Conferencecall>> listed = store().conferencecalls(customer_, 7, before);
    ASSERT_TRUE(listed.ok()) << listed.error().message;
    if (listed->empty()) break;
    EXPECT_LE(listed->size(), 7u);
    for (const Conferencecall& p : *listed) EXPECT_EQ(p.customer_id, customer_);
    const std::vector<Uuid> page_ids = ids(*listed);
    listed_participants.insert(listed_participants.end(), page_ids.begin(), page_ids.end());
    before = listed->back().tm_create;
  }
  EXPECT_EQ(listed_participants, participants);

  // `before` is exclusive: the conference created exactly then is not in the page.
  Result<std::vector<Conference>> bounded = store().conferences(customer_, 2, at(240));
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(ids(*bounded), (std::vector<Uuid>{conferences[1], conferences[2]}));
  Result<std::vector<Conference>> none = store().conferences(customer_, 0, std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  Result<std::vector<Conferencecall>> stranger =
      store().conferencecalls(Uuid::generate(), 10, std::nullopt);
  ASSERT_TRUE(stranger.ok());
  EXPECT_TRUE(stranger->empty());
}

TEST_P(ConferenceContract, ADeletedOneLeavesListsButStaysReadableById) {
  Conference conference = full_conference(customer_, at(0));
  Conferencecall participant = full_conferencecall(customer_, at(1), conference.id);
  const Conference kept = full_conference(customer_, at(2));
  const Conferencecall kept_participant = full_conferencecall(customer_, at(3), kept.id);
  ASSERT_TRUE(store().write({row(conference), row(participant), row(kept), row(kept_participant)}));
  conference.status = ConferenceStatus::terminated;
  conference.tm_delete = at(100);
  participant.status = ConferencecallStatus::leaved;
  participant.tm_delete = at(100);
  ASSERT_TRUE(store().write({row(participant), row(conference)}));

  Result<std::vector<Conference>> conferences = store().conferences(customer_, 10, std::nullopt);
  ASSERT_TRUE(conferences.ok());
  EXPECT_EQ(ids(*conferences), std::vector<Uuid>{kept.id});
  Result<std::vector<Conferencecall>> participants =
      store().conferencecalls(customer_, 10, std::nullopt);
  ASSERT_TRUE(participants.ok());
  EXPECT_EQ(ids(*participants), std::vector<Uuid>{kept_participant.id});

  Result<std::optional<Conference>> by_id = store().conference(conference.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ(**by_id, conference);
  Result<std::optional<Conferencecall>> participant_by_id = store().conferencecall(participant.id);
  ASSERT_TRUE(participant_by_id.ok() && participant_by_id->has_value());
  EXPECT_EQ(**participant_by_id, participant);
}

TEST_P(ConferenceContract, LoadReturnsOnlyConferencesNotTerminatedAndParticipantsNotLeaved) {
  std::vector<StoreRow> rows;
  std::set<Uuid> live_conferences;
  for (ConferenceStatus status : {ConferenceStatus::starting, ConferenceStatus::progressing,
                                  ConferenceStatus::terminating, ConferenceStatus::terminated}) {
    Conference c = full_conference(customer_, at(static_cast<std::int64_t>(rows.size())));
    c.status = status;
    if (status != ConferenceStatus::terminated) live_conferences.insert(c.id);
    rows.push_back(row(c));
  }
  std::set<Uuid> live_participants;
  for (ConferencecallStatus status :
       {ConferencecallStatus::joining, ConferencecallStatus::joined, ConferencecallStatus::leaving,
        ConferencecallStatus::leaved}) {
    Conferencecall p = full_conferencecall(customer_, at(static_cast<std::int64_t>(rows.size())));
    p.status = status;
    if (status != ConferencecallStatus::leaved) live_participants.insert(p.id);
    rows.push_back(row(p));
  }
  Conference ended_later = full_conference(customer_, at(100));
  rows.push_back(row(ended_later));
  ended_later.status = ConferenceStatus::terminated;
  rows.push_back(row(ended_later));  // the batch's last snapshot decides
  ASSERT_TRUE(store().write(rows));

  Result<StoredState> state = store().load();
  ASSERT_TRUE(state.ok()) << state.error().message;
  std::set<Uuid> loaded_conferences;
  for (const Conference& c : state->live_conferences) {
    EXPECT_FALSE(is_final(c.status));
    loaded_conferences.insert(c.id);
  }
  EXPECT_EQ(loaded_conferences, live_conferences);
  std::set<Uuid> loaded_participants;
  for (const Conferencecall& p : state->live_conferencecalls) {
    loaded_participants.insert(p.id);
  }
  EXPECT_EQ(loaded_participants, live_participants);
  EXPECT_EQ(state->live_conferences.size(), 3u);
  EXPECT_EQ(state->live_conferencecalls.size(), 3u);
}

TEST_P(ConferenceContract, PurgeRemovesOldEndedOnesParticipantsFirstWithinTheLimit) {
  const Timestamp cutoff = at(1'000'000);
  auto ended_conference = [&](std::int64_t updated) {
    Conference c = full_conference(customer_, at(0));
    c.status = ConferenceStatus::terminated;
    c.tm_update = at(updated);
    return c;
  };
  auto left_participant = [&](std::int64_t updated) {
    Conferencecall p = full_conferencecall(customer_, at(0));
    p.status = ConferencecallStatus::leaved;
    p.tm_update = at(updated);
    return p;
  };
  std::vector<StoreRow> rows;
  for (int i = 0; i < 2; ++i) rows.push_back(row(ended_conference(i)));  // old, ended
  for (int i = 0; i < 3; ++i) rows.push_back(row(left_participant(i)));  // old, ended
  const Conference recent = ended_conference(1'000'000);                 // at the cutoff
  const Conferencecall recent_participant = left_participant(2'000'000);
  Conference old_live = full_conference(customer_, at(0));
  old_live.status = ConferenceStatus::terminating;  // not yet ended
  old_live.tm_update = at(1);
  Conferencecall old_live_participant = full_conferencecall(customer_, at(0), old_live.id);
  old_live_participant.status = ConferencecallStatus::leaving;
  old_live_participant.tm_update = at(1);
  for (const StoreRow& r :
       {row(recent), row(recent_participant), row(old_live), row(old_live_participant)}) {
    rows.push_back(r);
  }
  ASSERT_TRUE(store().write(rows));

  Result<std::size_t> purged = store().purge(cutoff, 2);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 2u);
  EXPECT_EQ(rows_in("conferencecalls"), "3");  // one old left, recent, live
  EXPECT_EQ(rows_in("conferences"), "4");      // not reached

  purged = store().purge(cutoff, 100);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 3u);  // the last old participant, then the two conferences
  purged = store().purge(cutoff, 100);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);

  for (const Uuid& id : {recent.id, recent_participant.id, old_live.id, old_live_participant.id}) {
    const bool found =
        store().conference(id)->has_value() || store().conferencecall(id)->has_value();
    EXPECT_TRUE(found) << id.to_string();
  }
  EXPECT_EQ(rows_in("conferences"), "2");
  EXPECT_EQ(rows_in("conferencecalls"), "2");
}

// What points at another row goes first: a participant names its call and its
// conference, a call its conference and its groupcall.
TEST_P(ConferenceContract, PurgeTakesParticipantsThenCallsThenConferencesThenGroupcalls) {
  Conference conference = full_conference(customer_, at(0));
  conference.status = ConferenceStatus::terminated;
  Conferencecall participant = full_conferencecall(customer_, at(0), conference.id);
  participant.status = ConferencecallStatus::leaved;
  Groupcall groupcall = full_groupcall(customer_, at(0));
  groupcall.status = GroupcallStatus::hangup;
  Call call = full_call(customer_, at(0));
  call.status = CallStatus::hangup;
  ASSERT_TRUE(store().write({row(groupcall), row(conference), row(call), row(participant)}));
  auto counts = [&] {
    return one(
        "SELECT (SELECT count(*) FROM conferencecalls), (SELECT count(*) FROM calls),"
        " (SELECT count(*) FROM conferences), (SELECT count(*) FROM groupcalls)");
  };
  for (const char* expected : {"0|1|1|1", "0|0|1|1", "0|0|0|1", "0|0|0|0"}) {
    Result<std::size_t> purged = store().purge(at(1'000'000), 1);
    ASSERT_TRUE(purged.ok()) << purged.error().message;
    EXPECT_EQ(*purged, 1u);
    EXPECT_EQ(counts(), expected);
  }
}

// A batch is one transaction: a conference that cannot be written takes the call
// written before it in the same batch down with it.
TEST_P(ConferenceContract, AFailingConferenceRowFailsItsWholeBatch) {
  refuse_writes_to("conferences");
  const Call call = full_call(customer_, at(0));
  const Conferencecall participant = full_conferencecall(customer_, at(1));
  const Conference conference = full_conference(customer_, at(2));
  // The call goes in before the conference on both backends (SQLite walks a batch
  // from its end; PostgreSQL sends one statement per table, calls before conferences).
  Status written = store().write({row(conference), row(participant), row(call)});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, ErrorCode::unavailable);
  EXPECT_NE(written.error().message.find("refused_conferences"), std::string::npos)
      << written.error().message;

  Result<std::optional<Call>> read_call = store().call(call.id);
  ASSERT_TRUE(read_call.ok());
  EXPECT_FALSE(read_call->has_value());
  Result<std::optional<Conferencecall>> read_participant = store().conferencecall(participant.id);
  ASSERT_TRUE(read_participant.ok());
  EXPECT_FALSE(read_participant->has_value());

  accept_writes_to("conferences");
  ASSERT_TRUE(store().write({row(conference), row(participant), row(call)}));
  Result<std::optional<Conference>> read_conference = store().conference(conference.id);
  ASSERT_TRUE(read_conference.ok() && read_conference->has_value());
  EXPECT_EQ(**read_conference, conference);
}

INSTANTIATE_TEST_SUITE_P(, ConferenceContract, every_backend(), backend_name);

}  // namespace
}  // namespace chorus::store_test
