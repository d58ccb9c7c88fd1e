// chorusd and the files of its --data-dir: an online backup that a new chorusd
// serves unchanged, a database of a newer schema refused, a read-only directory
// refused at start, and retention purging ended records older than
// --retention-days while younger ones stay.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "actors/store/sqlite_store.hpp"
#include "store_fixture.hpp"

namespace chorus::test {
namespace {

std::vector<std::string> flags_on(const std::string& data_dir) {
  auto flags = api_key_flags();
  flags.insert(flags.end(), {"--log-level", "warn", "--data-dir", data_dir});
  return ChorusdProcess::on_free_port(flags);
}

class Backup : public StoreApiTest {};

TEST_F(Backup, ANewChorusdOnTheCopyServesTheSameResources) {
  auto agent = create_agent(*a, agent_body("Alice", {endpoint("alice@sim")}));
  auto extension = create_extension(*a, extension_body("Desk", "2001", {endpoint("d@sim")}));
  auto busy = create_groupcall(*a, groupcall_body({endpoint("b@sim;busy=0")}));
  auto answered = create_groupcall(
      *a, groupcall_body({endpoint("w@sim;answer=0;hangup=10"), endpoint("l@sim")}));
  std::vector<std::string> targets{"/v1.0/groupcalls",
                                   "/v1.0/calls",
                                   "/v1.0/agents",
                                   "/v1.0/extensions",
                                   "/v1.0/agents/" + str(agent, "id"),
                                   "/v1.0/extensions/" + str(extension, "id")};
  for (auto* gc : {&busy, &answered}) {
    await_groupcall(*a, str(*gc, "id"), has_status("hangup"));
    targets.push_back("/v1.0/groupcalls/" + str(*gc, "id"));
    for (auto& id : strings(*gc, "call_ids")) {
      await_call(*a, id, has_status("hangup"));
      targets.push_back("/v1.0/calls/" + id);
    }
  }
  auto served = bodies(*a, targets);

  ScratchDir copy;
  auto run = run_chorusd({"--backup", copy / "backup.db", "--data-dir", data.path()});
  ASSERT_TRUE(run.status.clean()) << run.status.to_string() << "\n" << run.err;
  // Written after the backup: not in it.
  auto later = str(create_groupcall(*a, groupcall_body({endpoint("later@sim;busy=0")})), "id");
  {
    SqliteFile file(copy / "backup.db");
    EXPECT_EQ(file.column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  }

  std::filesystem::rename(copy / "backup.db", copy / "chorus.db");
  ChorusdProcess restored(flags_on(copy.path()));
  HttpClient c(restored.port());
  c.default_headers = {{"Authorization", "Bearer " + key_a}};
  EXPECT_EQ(bodies(c, targets), served);
  expect_error(c.get("/v1.0/groupcalls/" + later), 404, "GROUPCALL_NOT_FOUND", "groupcall");
}

TEST(StoreFiles, ADatabaseOfANewerSchemaIsRefused) {
  ScratchDir dir;
  {
    SqliteFile file(dir / "chorus.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    file.exec("PRAGMA user_version = 99");
  }
  auto run = run_chorusd(flags_on(dir.path()));
  EXPECT_TRUE(run.status.exited && run.status.code != 0) << run.status.to_string();
  EXPECT_EQ(run.out.find("listening"), std::string::npos) << run.out;
  // Both versions named: the file's and the one this chorusd knows.
  EXPECT_NE(run.err.find("99"), std::string::npos) << run.err;
  const auto known = "\\b" + std::to_string(SqliteStore::schema_version) + "\\b";
  EXPECT_TRUE(std::regex_search(run.err, std::regex(known))) << run.err;
  SqliteFile file(dir / "chorus.db");
  EXPECT_EQ(file.integer("PRAGMA user_version"), 99) << "the refused file was changed";
}

// Effective user and group ids for a scope: a child forked meanwhile runs as them
// (its real id stays root, but with a non-zero effective id it has no effective
// capabilities, so file permissions hold for it as for any user).
class AsUser {
 public:
  explicit AsUser(uid_t id) { ok_ = ::setegid(id) == 0 && ::seteuid(id) == 0; }
  ~AsUser() {
    if (::seteuid(0) != 0 || ::setegid(0) != 0) std::abort();  // the rest would run unprivileged
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

TEST(StoreFiles, AReadOnlyDataDirectoryIsRefusedAtStartNamingTheCause) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run chorusd as another user";
  constexpr uid_t nobody = 65534;
  ScratchDir dir;
  auto data_dir = dir / "data";
  {
    ChorusdProcess first(flags_on(data_dir));  // makes chorus.db, then stops cleanly
  }
  // Owned by the user chorusd runs as, and read-only to it.
  for (auto& entry : std::filesystem::directory_iterator(data_dir)) {
    ASSERT_EQ(::chown(entry.path().c_str(), nobody, nobody), 0);
    ASSERT_EQ(::chmod(entry.path().c_str(), 0444), 0);
  }
  ASSERT_EQ(::chown(data_dir.c_str(), nobody, nobody), 0);
  ASSERT_EQ(::chmod(data_dir.c_str(), 0555), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);

  auto program = chorusd_path();
  std::unique_ptr<ChorusdProcess> daemon;
  {
    AsUser as(nobody);
    ASSERT_TRUE(as.ok());
    // With TMPDIR or the build under a private directory the user cannot reach them.
    if (::faccessat(AT_FDCWD, data_dir.c_str(), X_OK, AT_EACCESS) != 0 ||
        ::faccessat(AT_FDCWD, program.c_str(), X_OK, AT_EACCESS) != 0) {
      GTEST_SKIP() << "user " << nobody << " cannot reach " << data_dir << " or " << program;
    }
    daemon = std::make_unique<ChorusdProcess>(flags_on(data_dir), false);
  }
  daemon->expect_clean_exit(false);
  auto status = daemon->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "chorusd runs on a read-only directory:\n" << daemon->out();
  EXPECT_TRUE(status->exited && status->code != 0) << status->to_string();
  EXPECT_NE(daemon->err().find("store: read-only"), std::string::npos) << daemon->err();
}

class StoreRetention : public StoreApiTest {
 protected:
  std::vector<std::string> store_flags() override {
    return {"--retention-days", "1", "--retention-interval-ms", "100"};
  }
};

TEST_F(StoreRetention, EndedRecordsOlderThanTheRetentionArePurgedYoungerOnesStay) {
  auto agent = create_agent(*a, agent_body("Alice", {endpoint("alice@sim")}));
  auto old_gc = create_groupcall(*a, groupcall_body({endpoint("old@sim;busy=0")}));
  auto young_gc = create_groupcall(*a, groupcall_body({endpoint("young@sim;busy=0")}));
  auto old_id = str(old_gc, "id"), old_call = strings(old_gc, "call_ids").at(0);
  auto young_id = str(young_gc, "id"), young_call = strings(young_gc, "call_ids").at(0);
  await_groupcall(*a, old_id, has_status("hangup"));
  await_groupcall(*a, young_id, has_status("hangup"));
  std::vector<std::string> young{"/v1.0/groupcalls/" + young_id, "/v1.0/calls/" + young_call};
  auto young_before = bodies(*a, young);
  stop();
  {
    // A day and an hour old, and a day less an hour.
    SqliteFile db(database());
    auto old_micros = micros_ago(std::chrono::hours(25));
    auto young_micros = micros_ago(std::chrono::hours(23));
    db.set_tm_update("groupcalls", old_id, old_micros);
    db.set_tm_update("calls", old_call, old_micros);
    db.set_tm_update("groupcalls", young_id, young_micros);
    db.set_tm_update("calls", young_call, young_micros);
  }
  start();

  EXPECT_TRUE(eventually([&] { return a->get("/v1.0/groupcalls/" + old_id).status == 404u; }))
      << "the old groupcall was never purged";
  expect_error(a->get("/v1.0/calls/" + old_call), 404, "CALL_NOT_FOUND", "call");
  // The young ones went through the same purge and stay.
  EXPECT_EQ(bodies(*a, young), young_before);
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls"))), std::vector<std::string>{young_id});
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/calls"))), std::vector<std::string>{young_call});
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/agents"))), std::vector<std::string>{str(agent, "id")});
  EXPECT_EQ(metrics()["chorus_store_purged_total"], 2.0);
}

}  // namespace
}  // namespace chorus::test
