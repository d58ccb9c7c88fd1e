// The store port's contract for groupcalls, calls and the directory, on every
// backend: what is written reads back byte for byte (after a restart too), lists
// page newest first, load() and purge() pick the right rows, readers run beside
// the writer.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store_contract.hpp"

namespace chorus::store_test {
namespace {

TEST_P(StoreContract, EveryKindReadsBackByteIdenticalAlsoAfterARestart) {
  const Uuid customer = Uuid::generate();

  // Ended and deleted: every timestamp set; read by id.
  Groupcall ended_groupcall = full_groupcall(customer, at(0));
  ended_groupcall.status = GroupcallStatus::hangup;
  ended_groupcall.tm_delete = at(5000);
  Call ended_call = full_call(customer, at(1));
  ended_call.status = CallStatus::hangup;
  ended_call.tm_hangup = at(4000);
  ended_call.tm_delete = at(5000);
  // Live and listed: read by id, in lists and by load().
  const Groupcall live_groupcall = full_groupcall(customer, at(2));
  const Call live_call = full_call(customer, at(3));
  const Agent agent = full_agent(customer, at(4));
  const Extension extension = full_extension(customer, at(5));

  ASSERT_TRUE(store().write({row(ended_groupcall), row(ended_call), row(live_groupcall),
                             row(live_call), row(agent), row(extension)}));

  auto expect_everything_back = [&] {
    Result<std::optional<Groupcall>> g = store().groupcall(ended_groupcall.id);
    ASSERT_TRUE(g.ok() && g->has_value());
    EXPECT_EQ(to_json(**g), to_json(ended_groupcall));
    Result<std::optional<Call>> c = store().call(ended_call.id);
    ASSERT_TRUE(c.ok() && c->has_value());
    EXPECT_EQ(to_json(**c), to_json(ended_call));

    Result<std::vector<Groupcall>> groupcalls = store().groupcalls(customer, 10, std::nullopt);
    ASSERT_TRUE(groupcalls.ok());
    ASSERT_EQ(groupcalls->size(), 1u);
    EXPECT_EQ(to_json(groupcalls->front()), to_json(live_groupcall));
    Result<std::vector<Call>> calls = store().calls(customer, 10, std::nullopt);
    ASSERT_TRUE(calls.ok());
    ASSERT_EQ(calls->size(), 1u);
    EXPECT_EQ(to_json(calls->front()), to_json(live_call));

    const StoredState state = load();
    ASSERT_EQ(state.agents.size(), 1u);
    EXPECT_EQ(to_json(state.agents.front()), to_json(agent));
    ASSERT_EQ(state.extensions.size(), 1u);
    EXPECT_EQ(to_json(state.extensions.front()), to_json(extension));
    ASSERT_EQ(state.live_groupcalls.size(), 1u);
    EXPECT_EQ(to_json(state.live_groupcalls.front()), to_json(live_groupcall));
    ASSERT_EQ(state.live_calls.size(), 1u);
    EXPECT_EQ(to_json(state.live_calls.front()), to_json(live_call));
  };
  expect_everything_back();
  ASSERT_TRUE(reopen());
  expect_everything_back();
}

TEST_P(StoreContract, UnknownIdsReadAsAbsent) {
  Result<std::optional<Groupcall>> g = store().groupcall(Uuid::generate());
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->has_value());
  Result<std::optional<Call>> c = store().call(Uuid::generate());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());
}

TEST_P(StoreContract, TheLastSnapshotOfABatchWinsInOneRow) {
  const Uuid customer = Uuid::generate();
  Groupcall first = full_groupcall(customer, at(0));
  Groupcall second = first;
  second.status = GroupcallStatus::hangingup;
  second.tm_update = at(10'000);
  Groupcall last = second;
  last.status = GroupcallStatus::hangup;
  last.tm_update = at(20'000);
  Agent agent = full_agent(customer, at(0));
  Agent renamed = agent;
  renamed.name = "renamed";

  ASSERT_TRUE(store().write({row(first), row(agent), row(second), row(renamed), row(last)}));

  Result<std::optional<Groupcall>> read = store().groupcall(first.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, last);
  const StoredState state = load();
  ASSERT_EQ(state.agents.size(), 1u);
  EXPECT_EQ(state.agents.front().name, "renamed");
  EXPECT_TRUE(state.live_groupcalls.empty());  // the last snapshot is hung up
  EXPECT_EQ(rows_in("groupcalls"), "1");
  EXPECT_EQ(rows_in("agents"), "1");
  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END, tm_update FROM groupcalls"),
            "0|" + std::to_string(at(20'000).micros()));

  // A later batch replaces the row as a whole.
  Groupcall revived = first;
  revived.owner_type = "";
  ASSERT_TRUE(store().write({row(revived)}));
  read = store().groupcall(first.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, revived);
  EXPECT_EQ(rows_in("groupcalls"), "1");
  EXPECT_EQ(one("SELECT CASE WHEN live THEN 1 ELSE 0 END FROM groupcalls"), "1");
}

TEST_P(StoreContract, EmptyBatchesAndNullRowsWriteNothing) {
  EXPECT_TRUE(store().write({}));
  EXPECT_TRUE(store().write(
      {StoreRow(std::shared_ptr<const Call>()), StoreRow(std::shared_ptr<const RingGroup>())}));
  EXPECT_EQ(rows_in("calls"), "0");
  EXPECT_EQ(rows_in("ring_groups"), "0");
}

// Ten thousand rows of one customer, in one batch (PostgreSQL: in statements of
// PostgresWriter::statement_rows), between another customer's.
TEST_P(StoreContract, ListsPageNewestFirstThroughTenThousandGroupcalls) {
  const Uuid customer = Uuid::generate();
  const Uuid other = Uuid::generate();
  constexpr int count = 10'000;
  std::vector<StoreRow> rows;
  std::set<Uuid> written;
  for (int i = 0; i < count; ++i) {
    const Groupcall mine = full_groupcall(customer, at(i * 10));
    written.insert(mine.id);
    rows.push_back(row(mine));
    if (i % 20 == 0) rows.push_back(row(full_groupcall(other, at(i * 10 + 5))));
  }
  ASSERT_TRUE(store().write(rows));

  std::set<Uuid> seen;
  std::optional<Timestamp> before;
  std::optional<Timestamp> previous;
  for (int page = 0; page <= count / 100; ++page) {
    Result<std::vector<Groupcall>> listed = store().groupcalls(customer, 100, before);
    ASSERT_TRUE(listed.ok()) << listed.error().message;
    if (listed->empty()) break;
    EXPECT_EQ(listed->size(), 100u);
    for (const Groupcall& g : *listed) {
      EXPECT_EQ(g.customer_id, customer);
      EXPECT_TRUE(seen.insert(g.id).second) << "listed twice: " << g.id.to_string();
      if (previous) {
        EXPECT_LT(g.tm_create, *previous);
      }
      previous = g.tm_create;
    }
    before = listed->back().tm_create;
  }
  EXPECT_EQ(seen, written);
  Result<std::vector<Groupcall>> none = store().groupcalls(customer, 0, std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContract, CallsListNewestFirstBeforeABound) {
  const Uuid customer = Uuid::generate();
  std::vector<Call> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(full_call(customer, at(i)));
  ASSERT_TRUE(store().write({row(calls[3]), row(calls[0]), row(calls[4]), row(calls[1]),
                             row(calls[2]), row(full_call(Uuid::generate(), at(2)))}));
  Result<std::vector<Call>> listed = store().calls(customer, 2, at(4));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, calls[3].id);
  EXPECT_EQ((*listed)[1].id, calls[2].id);
  listed = store().calls(customer, 10, at(0));  // `before` is exclusive
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  listed = store().calls(customer, 10, std::nullopt);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ(listed->front(), calls[4]);
}

TEST_P(StoreContract, ADeletedResourceLeavesListsButStaysReadableById) {
  const Uuid customer = Uuid::generate();
  Groupcall g = full_groupcall(customer, at(0));
  Call c = full_call(customer, at(1));
  ASSERT_TRUE(store().write({row(g), row(c)}));
  g.status = GroupcallStatus::hangup;
  g.tm_delete = at(100);
  c.status = CallStatus::hangup;
  c.tm_delete = at(100);
  ASSERT_TRUE(store().write({row(g), row(c)}));

  Result<std::vector<Groupcall>> groupcalls = store().groupcalls(customer, 10, std::nullopt);
  ASSERT_TRUE(groupcalls.ok());
  EXPECT_TRUE(groupcalls->empty());
  Result<std::vector<Call>> calls = store().calls(customer, 10, std::nullopt);
  ASSERT_TRUE(calls.ok());
  EXPECT_TRUE(calls->empty());
  Result<std::optional<Groupcall>> by_id = store().groupcall(g.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ(**by_id, g);
  Result<std::optional<Call>> call_by_id = store().call(c.id);
  ASSERT_TRUE(call_by_id.ok() && call_by_id->has_value());
  EXPECT_EQ(**call_by_id, c);
}

TEST_P(StoreContract, LoadReturnsOnlyLiveCallsAndUndeletedDirectoryEntries) {
  const Uuid customer = Uuid::generate();
  const Groupcall live = full_groupcall(customer, at(0));
  Groupcall hanging_up = full_groupcall(customer, at(1));
  hanging_up.status = GroupcallStatus::hangingup;  // not yet ended: still live
  Groupcall ended = full_groupcall(customer, at(2));
  ended.status = GroupcallStatus::hangup;
  const Call ringing = full_call(customer, at(3));
  Call hung_up = full_call(customer, at(4));
  hung_up.status = CallStatus::hangup;
  const Agent agent = full_agent(customer, at(5));
  Agent deleted_agent = full_agent(customer, at(6));
  deleted_agent.tm_delete = at(7);
  const Extension extension = full_extension(customer, at(8));
  Extension deleted_extension = full_extension(customer, at(9));
  deleted_extension.tm_delete = at(10);
  ASSERT_TRUE(
      store().write({row(live), row(hanging_up), row(ended), row(ringing), row(hung_up), row(agent),
                     row(deleted_agent), row(extension), row(deleted_extension)}));

  const StoredState state = load();
  std::set<Uuid> groupcalls;
  for (const Groupcall& g : state.live_groupcalls) groupcalls.insert(g.id);
  EXPECT_EQ(groupcalls, (std::set<Uuid>{live.id, hanging_up.id}));
  ASSERT_EQ(state.live_calls.size(), 1u);
  EXPECT_EQ(state.live_calls.front(), ringing);
  ASSERT_EQ(state.agents.size(), 1u);
  EXPECT_EQ(state.agents.front(), agent);
  ASSERT_EQ(state.extensions.size(), 1u);
  EXPECT_EQ(state.extensions.front(), extension);
}

TEST_P(StoreContract, PurgeRemovesOnlyOldEndedRowsCallsFirstWithinTheLimit) {
  const Uuid customer = Uuid::generate();
  const Timestamp cutoff = at(1'000'000);
  auto ended_call = [&](std::int64_t updated) {
    Call c = full_call(customer, at(0));
    c.status = CallStatus::hangup;
    c.tm_update = at(updated);
    return c;
  };
  auto ended_groupcall = [&](std::int64_t updated) {
    Groupcall g = full_groupcall(customer, at(0));
    g.status = GroupcallStatus::hangup;
    g.tm_update = at(updated);
    return g;
  };
  std::vector<StoreRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(row(ended_call(i)));       // old, ended
  for (int i = 0; i < 3; ++i) rows.push_back(row(ended_groupcall(i)));  // old, ended
  const Call recent_call = ended_call(1'000'000);                       // at the cutoff
  const Groupcall recent_groupcall = ended_groupcall(2'000'000);
  Call old_live_call = full_call(customer, at(0));
  old_live_call.tm_update = at(1);
  Groupcall old_live_groupcall = full_groupcall(customer, at(0));
  old_live_groupcall.tm_update = at(1);
  for (const StoreRow& r :
       {row(recent_call), row(recent_groupcall), row(old_live_call), row(old_live_groupcall)}) {
    rows.push_back(r);
  }
  ASSERT_TRUE(store().write(rows));

  Result<std::size_t> purged = store().purge(cutoff, 4);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(*purged, 4u);
  EXPECT_EQ(rows_in("calls"), "3");  // one old ended, recent, live
  EXPECT_EQ(rows_in("groupcalls"), "5");

  purged = store().purge(cutoff, 100);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 4u);  // the last old ended call, then the three groupcalls
  purged = store().purge(cutoff, 100);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);

  EXPECT_EQ(rows_in("calls"), "2");
  EXPECT_EQ(rows_in("groupcalls"), "2");
  for (const Call& kept : {recent_call, old_live_call}) {
    Result<std::optional<Call>> read = store().call(kept.id);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(read->has_value()) << kept.id.to_string();
  }
  for (const Groupcall& kept : {recent_groupcall, old_live_groupcall}) {
    Result<std::optional<Groupcall>> read = store().groupcall(kept.id);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(read->has_value()) << kept.id.to_string();
  }
  purged = store().purge(at(10'000'000), 0);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);
  EXPECT_EQ(rows_in("calls"), "2");
}

// Readers on their own threads while one thread writes: every read succeeds and
// sees every batch written before it started.
TEST_P(StoreContract, ReadersRunConcurrentlyWithTheWriter) {
  const Uuid customer = Uuid::generate();
  constexpr int batches = 200;
  constexpr int batch_size = 20;
  std::vector<Groupcall> groupcalls;
  for (int i = 0; i < batches * batch_size; ++i) {
    groupcalls.push_back(full_groupcall(customer, at(i)));
  }
  std::atomic<int> committed{0};  // groupcalls[0, committed) are durable
  std::atomic<int> failures{0};
  std::atomic<long> reads{0};

  auto reader = [&](int seed) {
    unsigned next = static_cast<unsigned>(seed);
    while (true) {
      const int known = committed.load();
      const bool done = known == batches * batch_size;
      if (known > 0) {
        next = next * 1103515245u + 12345u;
        const Groupcall& expected = groupcalls[next % static_cast<unsigned>(known)];
        Result<std::optional<Groupcall>> read = store().groupcall(expected.id);
        if (!read.ok() || !read->has_value() || **read != expected) ++failures;
        Result<std::vector<Groupcall>> listed = store().groupcalls(customer, 10, std::nullopt);
        if (!listed.ok() || listed->size() != std::min<std::size_t>(10, known)) ++failures;
        reads += 2;
      }
      if (done) return;
      std::this_thread::yield();
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 6; ++i) readers.emplace_back(reader, i + 1);  // more than the pool holds
  for (int b = 0; b < batches; ++b) {
    std::vector<StoreRow> rows;
    for (int i = 0; i < batch_size; ++i) rows.push_back(row(groupcalls[b * batch_size + i]));
    Status written = store().write(rows);
    if (!written) {
      ADD_FAILURE() << written.error().message;
      break;
    }
    committed = (b + 1) * batch_size;
  }
  committed = batches * batch_size;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(, StoreContract, every_backend(), backend_name);

}  // namespace
}  // namespace chorus::store_test
