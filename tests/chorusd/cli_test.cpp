// chorusd's command line: --help, --version, refused flag values, the development
// key, refusing a non-loopback address without keys, and --config with flags
// overriding it.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

// A temporary file holding `text`, removed when it goes.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/chorusd_test_XXXXXX.json";
    int fd = ::mkstemps(name, 5);
    if (fd < 0) throw std::runtime_error("mkstemps failed");
    ::close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ChorusdCli, HelpListsEveryFlagAndExitsZero) {
  auto run = run_chorusd({"--help"});
  EXPECT_TRUE(run.status.clean()) << run.status.to_string() << run.err;
  for (auto* flag : {"--config",
                     "--listen",
                     "--api-key",
                     "--log-level",
                     "--io-threads",
                     "--worker-threads",
                     "--max-destinations",
                     "--max-nesting-depth",
                     "--retained-groupcalls",
                     "--retained-calls",
                     "--ws-shutdown-flush-ms",
                     "--shutdown",
                     "--shutdown-timeout-ms",
                     "--bridge-delay-ms",
                     "--store",
                     "--data-dir",
                     "--postgres",
                     "--nats",
                     "--node-id",
                     "--sync",
                     "--retention-days",
                     "--backup",
                     "--help",
                     "--version"}) {
    EXPECT_NE(run.out.find(flag), std::string::npos) << flag << " missing from --help:\n"
                                                     << run.out;
  }
  EXPECT_NE(run.out.find("Usage: chorusd"), std::string::npos) << run.out;
  // Help does not start a server.
  EXPECT_EQ(run.out.find("listening"), std::string::npos) << run.out;
}

TEST(ChorusdCli, VersionPrintsAVersionAndExitsZero) {
  auto run = run_chorusd({"--version"});
  EXPECT_TRUE(run.status.clean()) << run.status.to_string() << run.err;
  EXPECT_TRUE(std::regex_search(run.out, std::regex(R"(^chorusd \d+\.\d+\.\d+\n$)"))) << run.out;
}

struct BadFlag {
  std::vector<std::string> args;
  std::string named;  // what stderr must name
};

TEST(ChorusdCli, InvalidFlagValuesExitNonZeroNamingTheFlag) {
  const std::vector<BadFlag> cases = {
      {{"--max-destinations", "0"}, "--max-destinations"},
      {{"--max-destinations", "many"}, "--max-destinations"},
      {{"--io-threads", "-1"}, "--io-threads"},
      {{"--worker-threads", "9999"}, "--worker-threads"},
      {{"--max-nesting-depth", "33"}, "--max-nesting-depth"},
      {{"--retained-groupcalls", "x"}, "--retained-groupcalls"},
      {{"--retained-calls", "-5"}, "--retained-calls"},
      {{"--ws-shutdown-flush-ms", "600001"}, "--ws-shutdown-flush-ms"},
      {{"--shutdown", "later"}, "--shutdown"},
      {{"--shutdown-timeout-ms", "0"}, "--shutdown-timeout-ms"},
      {{"--bridge-delay-ms", "60001"}, "--bridge-delay-ms"},
      {{"--log-level", "loud"}, "--log-level"},
      {{"--api-key", "no-customer"}, "--api-key"},
      {{"--api-key", "k=not-a-uuid"}, "--api-key"},
      {{"--api-key", "k=00000000-0000-0000-0000-000000000000"}, "--api-key"},
      {{"--listen", "nonsense"}, "--listen"},
      {{"--listen", "127.0.0.1:99999"}, "--listen"},
      {{"--listen"}, "--listen"},  // no value at all
      {{"--frobnicate", "1"}, "--frobnicate"},
      {{"--store", "postgres"}, "--store"},
      {{"--postgres", "mysql://127.0.0.1/x"}, "--postgres"},
      {{"--postgres", "postgresql://127.0.0.1/x y"}, "--postgres"},
      {{"--postgres", "postgresql://" + std::string(1100, 'h')}, "--postgres"},
      {{"--postgres", "postgresql://127.0.0.1/x", "--store", "memory"}, "--postgres"},
      {{"--postgres", "postgresql://127.0.0.1/x", "--backup", "/tmp/x.db"}, "--backup"},
      {{"--nats", "nats://127.0.0.1:4222"}, "--nats"},                    // no --node-id
      {{"--node-id", "a"}, "--node-id"},                                  // no --nats
      {{"--nats", "nats://127.0.0.1:4222", "--node-id", "a"}, "--nats"},  // no --postgres
      {{"--node-id", "a b"}, "--node-id"},
      {{"--node-id", std::string(65, 'n')}, "--node-id"},
      {{"--nats", "http://127.0.0.1:4222"}, "--nats"},
      // Valid, but nothing listens there: it says so and does not start.
      {{"--postgres", "postgresql://chorus@127.0.0.1:1/none"}, "PostgreSQL unreachable"},
      {{"--sync", "sometimes"}, "--sync"},
      {{"--retention-days", "-1"}, "--retention-days"},
      {{"--retention-days", "36501"}, "--retention-days"},
      {{"--config", "/nonexistent/chorusd.json"}, "--config"},
  };
  for (auto& c : cases) {
    auto run = run_chorusd(c.args);
    std::string what = c.args[0] + (c.args.size() > 1 ? " " + c.args[1] : "");
    EXPECT_TRUE(run.status.exited && run.status.code != 0)
        << what << ": " << run.status.to_string();
    EXPECT_NE(run.err.find(c.named), std::string::npos)
        << what << ": stderr does not name " << c.named << ":\n"
        << run.err;
    EXPECT_EQ(run.out.find("listening"), std::string::npos) << what << " started anyway";
  }
}

TEST(ChorusdCli, NonLoopbackWithoutKeysRefusesToStart) {
  auto run = run_chorusd({"--listen", "0.0.0.0:0"});
  EXPECT_TRUE(run.status.exited && run.status.code != 0) << run.status.to_string();
  EXPECT_NE(run.err.find("refusing to listen on 0.0.0.0"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--api-key"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("listening"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("development key"), std::string::npos) << run.out;
}

TEST(ChorusdCli, DevelopmentKeyIsPrintedOnLoopbackAndWorks) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port({"--log-level", "warn"}));
  ASSERT_FALSE(daemon.dev_key().empty()) << daemon.out();
  ASSERT_EQ(daemon.dev_customer().size(), 36u) << daemon.out();
  // The key line comes first, then the listening line.
  EXPECT_EQ(daemon.out().rfind("development key: " + daemon.dev_key() + " (customer ", 0), 0u)
      << daemon.out();

  HttpClient anonymous(daemon.port());
  expect_error(anonymous.get("/v1.0/groupcalls"), 401, "UNAUTHORIZED");

  HttpClient dev(daemon.port());
  dev.default_headers = {{"Authorization", "Bearer " + daemon.dev_key()}};
  auto created = dev.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;busy=0")}));
  ASSERT_EQ(created.status, 200u) << created.body;
  auto gc = parse_json(created.body);
  EXPECT_EQ(str(gc, "customer_id"), daemon.dev_customer());
  auto list = dev.get("/v1.0/groupcalls?token=" + daemon.dev_key());
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(ids_of(parse_json(list.body)), std::vector<std::string>{str(gc, "id")});
}

TEST(ChorusdCli, NoDevelopmentKeyWhenKeysAreGiven) {
  ChorusdProcess daemon(ChorusdProcess::on_free_port(api_key_flags()));
  EXPECT_TRUE(daemon.dev_key().empty());
  EXPECT_EQ(daemon.out().find("development key"), std::string::npos) << daemon.out();
  HttpClient c(daemon.port());
  EXPECT_EQ(c.get("/v1.0/agents?token=" + key_a).status, 200u);
}

TEST(ChorusdCli, DevelopmentKeysDifferBetweenRuns) {
  ChorusdProcess one(ChorusdProcess::on_free_port({"--log-level", "warn"}));
  ChorusdProcess two(ChorusdProcess::on_free_port({"--log-level", "warn"}));
  ASSERT_FALSE(one.dev_key().empty());
  EXPECT_NE(one.dev_key(), two.dev_key());
  EXPECT_NE(one.port(), two.port());
  // One daemon's key means nothing to the other.
  HttpClient c(two.port());
  expect_error(c.get("/v1.0/agents?token=" + one.dev_key()), 401, "UNAUTHORIZED");
}

TEST(ChorusdCli, ConfigFileSetsListenAndKeys) {
  TempFile config(R"({"listen":"127.0.0.1:0","api_keys":{"k":")" + customer_a +
                  R"("},"log_level":"warn","max_destinations":1})");
  ChorusdProcess daemon({"--config", config.path()});
  EXPECT_TRUE(daemon.dev_key().empty()) << daemon.out();
  HttpClient c(daemon.port());
  c.default_headers = {{"Authorization", "Bearer k"}};
  auto created = c.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;busy=0")}));
  ASSERT_EQ(created.status, 200u) << created.body;
  EXPECT_EQ(str(parse_json(created.body), "customer_id"), customer_a);
  // max_destinations from the file holds.
  expect_error(c.post("/v1.0/groupcalls",
                      groupcall_body({endpoint("x@sim;busy=0"), endpoint("y@sim;busy=0")})),
               400, "LIMIT_EXCEEDED", "destinations: at most 1");
}

TEST(ChorusdCli, FlagsOverrideTheConfigFile) {
  // The file asks for port 1 and one destination; the flags for any port and three.
  TempFile config(R"({"listen":"127.0.0.1:1","api_keys":{"k":")" + customer_a +
                  R"("},"max_destinations":1})");
  ChorusdProcess daemon({"--config", config.path(), "--listen", "127.0.0.1:0", "--max-destinations",
                         "3", "--api-key", key_b + "=" + customer_b, "--log-level", "warn"});
  EXPECT_NE(daemon.port(), 1);
  HttpClient c(daemon.port());
  c.default_headers = {{"Authorization", "Bearer k"}};
  auto created =
      c.post("/v1.0/groupcalls", groupcall_body({endpoint("x@sim;busy=0"), endpoint("y@sim;busy=0"),
                                                 endpoint("z@sim;busy=0")}));
  EXPECT_EQ(created.status, 200u) << created.body;
  // Keys from both places work, each for its own customer.
  HttpClient other(daemon.port());
  other.default_headers = {{"Authorization", "Bearer " + key_b}};
  auto list = other.get("/v1.0/groupcalls");
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_TRUE(ids_of(parse_json(list.body)).empty()) << list.body;
}

TEST(ChorusdCli, InvalidConfigFilesExitNonZeroNamingTheField) {
  struct Case {
    std::string json;
    std::string named;
  };
  const std::vector<Case> cases = {
      {R"({"listen":)", "config"},
      {R"([1,2])", "config"},
      {R"({"max_destinations":"none"})", "config.max_destinations"},
      {R"({"max_destinations":-3})", "config.max_destinations"},
      {R"({"api_keys":{"k":"not-a-uuid"}})", "config.api_keys"},
      {R"({"api_keys":["k"]})", "config.api_keys"},
      {R"({"no_such_setting":1})", "config.no_such_setting"},
  };
  for (auto& c : cases) {
    TempFile config(c.json);
    auto run = run_chorusd({"--config", config.path()});
    EXPECT_TRUE(run.status.exited && run.status.code != 0)
        << c.json << ": " << run.status.to_string();
    EXPECT_NE(run.err.find(c.named), std::string::npos) << c.json << ": " << run.err;
    EXPECT_EQ(run.out.find("listening"), std::string::npos) << c.json;
  }
}

}  // namespace
}  // namespace chorus::test
