// What is particular to the PostgreSQL store (the contract both backends honour is
// in the store_*_contract_test.cpp files): a server that cannot be reached, the
// schema and its version (nodes starting together, a newer schema), a server that
// dies and comes back while the store stays open, a batch that fails part way
// through its statements, and a batch larger than one statement holds.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "actors/store/postgres_connection.hpp"
#include "actors/store/postgres_writer.hpp"
#include "store_contract.hpp"
#include "tests/support/eventually.hpp"

namespace chorus::store_test {
namespace {

using test::PostgresServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A call that meets a server that is gone answers at once (the connection is
// refused or already closed): well under postgres_timeout_s, which only a cut
// network, where nothing answers at all, may take.
constexpr auto prompt_failure = std::chrono::seconds(postgres_timeout_s) / 3;

constexpr const char* every_table[] = {
    "groupcalls", "calls",       "conferences",         "conferencecalls",  "agents",
    "extensions", "ring_groups", "instant_group_calls", "extension_groups", "missed_calls"};

// Full sync: a commit is on disk before it is acknowledged, so a row written
// before a kill is there after it (normal may lose the last commits in a crash).
StoreOptions options_for(const std::string& url) {
  StoreOptions options = options_in("", SyncMode::full);
  options.postgres_url = url;
  return options;
}

std::unique_ptr<PostgresStore> open_postgres(const std::string& url) {
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(url));
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

// A loopback port nobody listens on: the kernel's pick, released at once.
std::uint16_t closed_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// The error a call answered while the server is gone, and how long it took.
template <class Call>
Error failure_of(Call&& call, Clock::duration& took) {
  const auto started = Clock::now();
  auto answer = call();
  took = Clock::now() - started;
  EXPECT_FALSE(answer.ok()) << "succeeded while the server was down";
  return answer.ok() ? Error::unavailable("") : answer.error();
}

void expect_unreachable(const Error& error, Clock::duration took, const char* what) {
  ::testing::Test::RecordProperty(
      std::string(what) + "_ms",
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_EQ(error.code, ErrorCode::unavailable) << what << ": " << error.message;
  EXPECT_EQ(error.message.rfind("store: PostgreSQL unreachable", 0), 0u)
      << what << ": " << error.message;
  EXPECT_LT(took, prompt_failure)
      << what << " took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms";
}

std::vector<StoreRow> calls_of(const Uuid& customer, std::size_t count,
                               std::map<Uuid, std::string>& written) {
  std::vector<StoreRow> rows;
  for (std::size_t i = 0; i < count; ++i) {
    const Call call = full_call(customer, at(static_cast<std::int64_t>(i)));
    written[call.id] = to_json(call);
    rows.push_back(row(call));
  }
  return rows;
}

TEST(PostgresStore, OpenOnAClosedPortFailsAsUnreachable) {
  const std::string url =
      "postgresql://chorus@127.0.0.1:" + std::to_string(closed_loopback_port()) + "/chorus";
  const auto started = Clock::now();
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(url));
  const auto took = Clock::now() - started;
  ASSERT_FALSE(store.ok());
  expect_unreachable(store.error(), took, "open");
}

TEST(PostgresStore, OpenOnAMissingDatabaseNamesIt) {
  const std::string url = PostgresServer::shared().url("chorus_no_such_database");
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(url));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_EQ(store.error().message.rfind("store: PostgreSQL ", 0), 0u) << store.error().message;
  EXPECT_NE(store.error().message.find("\"chorus_no_such_database\" does not exist"),
            std::string::npos)
      << store.error().message;
}

TEST(PostgresStore, OpenCreatesEveryTableAtSchemaVersion2AndReopeningChangesNothing) {
  const std::string url = PostgresServer::shared().create_database();
  ASSERT_NE(open_postgres(url), nullptr);
  RawPg raw(url);
  EXPECT_EQ(raw.rows("SELECT version FROM chorus_schema"), std::vector<std::string>{"2"});
  for (const char* table : every_table) {
    EXPECT_EQ(raw.one(std::string("SELECT to_regclass('") + table + "') IS NOT NULL"), "t")
        << table;
  }
  // Schema 2: the nodes' leases, this one's claimed.
  EXPECT_EQ(raw.rows("SELECT node_id || ':' || epoch FROM chorus_nodes"),
            std::vector<std::string>{":1"});
  ASSERT_NE(open_postgres(url), nullptr);
  EXPECT_EQ(raw.rows("SELECT version FROM chorus_schema"), std::vector<std::string>{"2"});
  EXPECT_EQ(raw.rows("SELECT node_id || ':' || epoch FROM chorus_nodes"),
            std::vector<std::string>{":2"});  // claimed again: the first one's writes are fenced
}

// Nodes of a cluster starting together on a new database: each migration step is
// taken under a lock and checked again there, so exactly one of them applies it.
// Applying it twice could not go unnoticed: the second CREATE TABLE would fail its
// open. Several rounds, each on a new database, for the two to overlap.
TEST(PostgresStore, TwoStoresOpeningAtOnceOnAnEmptyDatabaseBothSucceedAndMigrateOnce) {
  for (int round = 0; round < 5; ++round) {
    const std::string url = PostgresServer::shared().create_database();
    std::atomic<int> waiting{0};
    std::unique_ptr<PostgresStore> stores[2];
    std::string errors[2];
    auto open_together = [&](int i) {
      ++waiting;
      while (waiting.load() < 2) std::this_thread::yield();
      // Two nodes: a second claim of one node's lease would fence the first.
      StoreOptions options = options_for(url);
      options.node_id = i == 0 ? "a" : "b";
      Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::open(options);
      if (opened.ok()) {
        stores[i] = std::move(*opened);
      } else {
        errors[i] = opened.error().message;
      }
    };
    std::thread first(open_together, 0);
    std::thread second(open_together, 1);
    first.join();
    second.join();
    ASSERT_NE(stores[0], nullptr) << "round " << round << ": " << errors[0];
    ASSERT_NE(stores[1], nullptr) << "round " << round << ": " << errors[1];
    RawPg raw(url);
    EXPECT_EQ(raw.rows("SELECT version FROM chorus_schema"), std::vector<std::string>{"2"});

    // One database: what one node writes, the other reads.
    const Groupcall g = full_groupcall(Uuid::generate(), at(round));
    ASSERT_TRUE(stores[0]->write({row(g)}));
    Result<std::optional<Groupcall>> read = stores[1]->groupcall(g.id);
    ASSERT_TRUE(read.ok() && read->has_value());
    EXPECT_EQ(**read, g);
  }
}

TEST(PostgresStore, ADatabaseWithANewerSchemaIsRefusedUntouched) {
  const std::string url = PostgresServer::shared().create_database();
  RawPg raw(url);
  raw.exec(
      "CREATE TABLE chorus_schema(version integer NOT NULL);"
      "INSERT INTO chorus_schema VALUES (99)");
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(options_for(url));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("99"), std::string::npos) << store.error().message;
  EXPECT_EQ(raw.rows("SELECT version FROM chorus_schema"), std::vector<std::string>{"99"});
  EXPECT_EQ(raw.one("SELECT to_regclass('groupcalls') IS NULL"), "t");
}

// A server of this test's own: it dies (SIGKILL to every process of it) while the
// store is open and in use, and comes back on the same port with its data.
TEST(PostgresStore, WhileTheServerIsDownCallsFailPromptlyAndTheStoreResumesWhenItIsBack) {
  PostgresServer server;
  std::unique_ptr<PostgresStore> store = open_postgres(server.create_database());
  ASSERT_NE(store, nullptr);
  const Uuid customer = Uuid::generate();
  const Groupcall before = full_groupcall(customer, at(0));
  ASSERT_TRUE(store->write({row(before)}));

  server.kill();
  const Groupcall during = full_groupcall(customer, at(1));
  Clock::duration took{};
  Error error = failure_of([&] { return store->write({row(during)}); }, took);
  expect_unreachable(error, took, "write");
  error = failure_of([&] { return store->groupcall(before.id); }, took);
  expect_unreachable(error, took, "read_by_id");
  error = failure_of([&] { return store->groupcalls(customer, 10, std::nullopt); }, took);
  expect_unreachable(error, took, "list");
  error = failure_of([&] { return store->load(); }, took);
  expect_unreachable(error, took, "load");

  server.start();
  const Groupcall after = full_groupcall(customer, at(2));
  Status written = store->write({row(after)});
  ASSERT_TRUE(written.ok()) << written.error().message;
  for (const Groupcall& kept : {before, after}) {
    Result<std::optional<Groupcall>> read = store->groupcall(kept.id);
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, kept);
  }
  Result<std::optional<Groupcall>> lost = store->groupcall(during.id);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_FALSE(lost->has_value()) << "a failed write kept its row";
  Result<std::vector<Groupcall>> listed = store->groupcalls(customer, 10, std::nullopt);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->size(), 2u);
}

// What the store writer relies on to learn that a fault has cleared.
TEST(PostgresStore, ProbeAndPurgeFailWhileTheServerIsDownAndProbeSucceedsOnceItIsBack) {
  PostgresServer server;
  std::unique_ptr<PostgresStore> store = open_postgres(server.create_database());
  ASSERT_NE(store, nullptr);
  Status probed = store->probe();
  ASSERT_TRUE(probed.ok()) << probed.error().message;

  server.kill();
  Clock::duration took{};
  Error error = failure_of([&] { return store->probe(); }, took);
  expect_unreachable(error, took, "probe");
  error = failure_of([&] { return store->purge(at(0), 10); }, took);
  expect_unreachable(error, took, "purge");
  error = failure_of([&] { return store->probe(); }, took);  // reconnecting fails too
  expect_unreachable(error, took, "second_probe");

  server.start();
  probed = store->probe();
  ASSERT_TRUE(probed.ok()) << probed.error().message;
  Result<std::size_t> purged = store->purge(at(0), 10);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
}

// A clean shutdown (PostgreSQL's fast stop: every client told, then disconnected)
// reads as unreachable too, and the store resumes the same way.
TEST(PostgresStore, AStoppedServerFailsCallsAsUnreachableUntilItStartsAgain) {
  PostgresServer server;
  std::unique_ptr<PostgresStore> store = open_postgres(server.create_database());
  ASSERT_NE(store, nullptr);
  const Groupcall g = full_groupcall(Uuid::generate(), at(0));
  ASSERT_TRUE(store->write({row(g)}));

  server.stop();
  Clock::duration took{};
  Error error = failure_of([&] { return store->write({row(g)}); }, took);
  expect_unreachable(error, took, "write");
  error = failure_of([&] { return store->groupcall(g.id); }, took);
  expect_unreachable(error, took, "read");

  server.start();
  Status written = store->write({row(g)});
  ASSERT_TRUE(written.ok()) << written.error().message;
  Result<std::optional<Groupcall>> read = store->groupcall(g.id);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(read->has_value());
}

// The server dies and comes back while the store is idle: no call saw the outage,
// so none should fail after it. The store's connections (the writer, a reader)
// are the dead server's, though.
TEST(PostgresStore, AnOutageNoCallSawLeavesNoCallFailingAfterIt) {
  PostgresServer server;
  std::unique_ptr<PostgresStore> store = open_postgres(server.create_database());
  ASSERT_NE(store, nullptr);
  const Groupcall g = full_groupcall(Uuid::generate(), at(0));
  ASSERT_TRUE(store->write({row(g)}));
  ASSERT_TRUE(store->groupcall(g.id).ok());

  server.kill();
  server.start();
  Result<std::optional<Groupcall>> read = store->groupcall(g.id);
  EXPECT_TRUE(read.ok())
      << "BUG in PostgresStore (ReaderPool<PostgresReader>): the first read after PostgreSQL "
         "came back failed on an idle reader whose connection died with the old server: "
      << read.error().message;
  Status written = store->write({row(g)});
  EXPECT_TRUE(written.ok())
      << "BUG in PostgresStore::with_writer: the first write after PostgreSQL came back failed "
         "on the writer's connection to the old server: "
      << written.error().message;
}

// Several REST threads read at once, so the pool holds several idle readers when
// the server dies. One read meets the outage; once the server is back, every read
// should succeed, whichever idle reader it is lent.
TEST(PostgresStore, EveryPooledReaderWorksOnceTheServerIsBack) {
  PostgresServer server;
  const std::string url = server.create_database();
  std::unique_ptr<PostgresStore> store = open_postgres(url);
  ASSERT_NE(store, nullptr);
  const Groupcall g = full_groupcall(Uuid::generate(), at(0));
  ASSERT_TRUE(store->write({row(g)}));

  {
    // The table locked: max_readers reads at once each wait in PostgreSQL on a
    // reader of their own, so the pool opens them all.
    RawPg lock(url);
    lock.exec("BEGIN; LOCK TABLE groupcalls IN ACCESS EXCLUSIVE MODE");
    std::vector<std::thread> readers;
    std::atomic<int> failures{0};
    for (std::size_t i = 0; i < PostgresStore::max_readers; ++i) {
      readers.emplace_back([&] {
        if (!store->groupcall(g.id).ok()) ++failures;
      });
    }
    RawPg watcher(url);
    const std::string waiting =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = 'chorusd' AND wait_event_type = 'Lock'";
    EXPECT_TRUE(test::eventually(
        [&] { return watcher.one(waiting) == std::to_string(PostgresStore::max_readers); }, 10s))
        << watcher.one(waiting) << " readers waiting";
    lock.exec("COMMIT");
    for (std::thread& t : readers) t.join();
    ASSERT_EQ(failures.load(), 0);
  }

  server.kill();
  Clock::duration took{};
  Error error = failure_of([&] { return store->groupcall(g.id); }, took);
  expect_unreachable(error, took, "read");

  server.start();
  for (std::size_t i = 0; i < PostgresStore::max_readers; ++i) {
    Result<std::optional<Groupcall>> read = store->groupcall(g.id);
    EXPECT_TRUE(read.ok())
        << "BUG in ReaderPool<PostgresReader>: read " << i + 1
        << " after PostgreSQL came back was lent an idle reader connected to the old server: "
        << read.error().message;
  }
}

// More rows of one table than the largest statement takes: statements of every
// prepared size in one pipeline, one transaction, and every row reads back; a
// second batch of the same sizes runs the statements the first prepared.
TEST(PostgresStore, ABatchLargerThanOneStatementIsWrittenWhole) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> store = open_postgres(url);
  ASSERT_NE(store, nullptr);
  const Uuid customer = Uuid::generate();
  // 2 x 256 + 64 + 16 + 4 + 3 x 1.
  const std::size_t count = 2 * PostgresWriter::statement_rows[0] + 87;
  std::map<Uuid, std::string> written;
  ASSERT_TRUE(store->write(calls_of(customer, count, written)));
  ASSERT_TRUE(store->write(calls_of(customer, count, written)));

  Result<std::vector<Call>> listed = store->calls(customer, 4 * count, std::nullopt);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2 * count);
  std::map<Uuid, std::string> read;
  for (const Call& call : *listed) read[call.id] = to_json(call);
  EXPECT_TRUE(read == written) << "the calls read back differ from those written";
  EXPECT_EQ(RawPg(url).one("SELECT count(*) FROM calls"), std::to_string(2 * count));
}

// A batch whose statements each go to one table fails at its last one: PostgreSQL
// refuses one ring group (a constraint added by hand; nothing through the port can
// make a row it refuses). The statements before it (a groupcall, calls in three
// statements) are rolled back with it, the one after it never runs.
TEST(PostgresStore, ABatchFailingAtItsLastStatementKeepsNoneOfItsRows) {
  const std::string url = PostgresServer::shared().create_database();
  std::unique_ptr<PostgresStore> store = open_postgres(url);
  ASSERT_NE(store, nullptr);
  RawPg raw(url);
  raw.exec("ALTER TABLE ring_groups ADD CONSTRAINT refused_ring_group_4242 CHECK (id <> 4242)");
  const Uuid customer = Uuid::generate();
  const Groupcall groupcall = full_groupcall(customer, at(0));
  const Uuid extension = Uuid::generate();
  const MissedCall missed = full_missed_call(customer, extension, at(0));
  std::map<Uuid, std::string> calls;
  std::vector<StoreRow> rows =
      calls_of(customer, 2 * PostgresWriter::statement_rows[0] + 87, calls);
  for (const StoreRow& r : {row(groupcall), row(full_ring_group(customer, 4242, at(0))),
                            row(missed), row(full_ring_group(customer, 7, at(0)))}) {
    rows.push_back(r);
  }

  Status written = store->write(rows);
  ASSERT_FALSE(written.ok()) << "PostgreSQL took ring group 4242";
  EXPECT_EQ(written.error().code, ErrorCode::unavailable);
  EXPECT_NE(written.error().message.find("refused_ring_group_4242"), std::string::npos)
      << written.error().message;

  Result<std::optional<Groupcall>> read = store->groupcall(groupcall.id);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_FALSE(read->has_value()) << "the failed batch's groupcall was kept";
  Result<std::vector<Call>> listed = store->calls(customer, 10, std::nullopt);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_TRUE(listed->empty()) << "the failed batch's calls were kept";
  Result<std::vector<MissedCall>> missed_calls = store->missed_calls(customer, extension, 10, {});
  ASSERT_TRUE(missed_calls.ok()) << missed_calls.error().message;
  EXPECT_TRUE(missed_calls->empty());
  for (const char* table : every_table) {
    EXPECT_EQ(raw.one(std::string("SELECT count(*) FROM ") + table), "0") << table;
  }

  // The same store writes the batch once the refused group is out of it.
  rows.erase(rows.end() - 3);
  written = store->write(rows);
  ASSERT_TRUE(written.ok()) << written.error().message;
  read = store->groupcall(groupcall.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(raw.one("SELECT count(*) FROM calls"), std::to_string(calls.size()));
  EXPECT_EQ(raw.one("SELECT string_agg(id::text, ',' ORDER BY id) FROM ring_groups"), "7");
}

// Two nodes creating ring groups at once must never pick one id: the shared store
// hands them out from one sequence, whichever node asks.
TEST(PostgresStore, RingGroupIdsComeFromOneSequenceForEveryNode) {
  const std::string url = PostgresServer::shared().create_database();
  StoreOptions a = options_for(url), b = options_for(url);
  a.node_id = "a";
  b.node_id = "b";
  Result<std::unique_ptr<PostgresStore>> first = PostgresStore::open(a);
  Result<std::unique_ptr<PostgresStore>> second = PostgresStore::open(b);
  ASSERT_TRUE(first.ok() && second.ok());
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 3; ++i) {
    for (auto* store : {first->get(), second->get()}) {
      Result<std::optional<std::int32_t>> next = store->next_ring_group_id();
      ASSERT_TRUE(next.ok()) << next.error().message;
      ASSERT_TRUE(next->has_value());
      ids.push_back(**next);
    }
  }
  EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}));
}

// A node on its own numbers its ring groups in its directory: SQLite hands out none.
TEST(SqliteStoreRingGroupIds, ALoneStoreLeavesRingGroupIdsToTheDirectory) {
  TempDir dir;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(options_in(dir.path()));
  ASSERT_TRUE(store.ok()) << store.error().message;
  Result<std::optional<std::int32_t>> next = (*store)->next_ring_group_id();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

}  // namespace
}  // namespace chorus::store_test
