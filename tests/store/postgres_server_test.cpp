// The tests' own PostgreSQL 15 (tests/support/postgres_server): it answers on the
// URLs it gives, each created database is its own, a kill is a crash that start()
// recovers from with the data kept, and nothing of it outlives the object.

#include "tests/support/postgres_server.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace chorus::test {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Connection connect(const std::string& url) {
  return Connection(PQconnectdb(url.c_str()), &PQfinish);
}

bool connected(const Connection& connection) {
  return PQstatus(connection.get()) == CONNECTION_OK;
}

// Every value the command returned, row by row (first column); nullopt when it failed.
std::optional<std::vector<std::string>> values(const Connection& connection,
                                               const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()),
                                                       &PQclear);
  auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return std::nullopt;
  std::vector<std::string> rows;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    rows.emplace_back(PQgetvalue(result.get(), row, 0));
  }
  return rows;
}

// The one value a query returns, or "" when it failed.
std::string value(const Connection& connection, const std::string& sql) {
  auto rows = values(connection, sql);
  return rows && rows->size() == 1 ? rows->front() : "";
}

// Whether `pid` is a live process (a zombie has ended: only its parent's wait is due).
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

// Something else listening on the loopback `port`, until destroyed.
class PortSquatter {
 public:
  explicit PortSquatter(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 1) != 0) {
      throw std::runtime_error("cannot listen on port " + std::to_string(port));
    }
  }
  ~PortSquatter() { ::close(fd_); }

 private:
  int fd_;
};

TEST(PostgresServer, ACreatedDatabaseAnswersQueries) {
  auto url = PostgresServer::shared().create_database();
  auto connection = connect(url);
  ASSERT_TRUE(connected(connection)) << url << ": " << PQerrorMessage(connection.get());
  EXPECT_EQ(value(connection, "SELECT 1"), "1");
  EXPECT_EQ(value(connection, "SHOW server_version_num").substr(0, 2), "15");
}

TEST(PostgresServer, EachCreatedDatabaseIsItsOwn) {
  auto& server = PostgresServer::shared();
  auto first_url = server.create_database();
  auto second_url = server.create_database();
  ASSERT_NE(first_url, second_url);
  auto first = connect(first_url);
  auto second = connect(second_url);
  ASSERT_TRUE(connected(first)) << PQerrorMessage(first.get());
  ASSERT_TRUE(connected(second)) << PQerrorMessage(second.get());
  EXPECT_NE(value(first, "SELECT current_database()"), value(second, "SELECT current_database()"));

  ASSERT_TRUE(values(first, "CREATE TABLE calls (id text); INSERT INTO calls VALUES ('a')"));
  EXPECT_EQ(value(second, "SELECT to_regclass('calls') IS NULL"), "t");
  // The same name in the other database is another table.
  ASSERT_TRUE(values(second, "CREATE TABLE calls (id text)"));
  EXPECT_EQ(value(second, "SELECT count(*) FROM calls"), "0");
  EXPECT_EQ(value(first, "SELECT count(*) FROM calls"), "1");
}

TEST(PostgresServer, AKillBreaksConnectionsAndStartBringsTheDataBack) {
  PostgresServer server;
  auto url = server.create_database();
  auto before = connect(url);
  ASSERT_TRUE(connected(before)) << PQerrorMessage(before.get());
  ASSERT_TRUE(values(before, "CREATE TABLE calls (id text); INSERT INTO calls VALUES ('kept')"));
  auto port = server.port();

  server.kill();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(values(before, "SELECT 1")) << "a connection survived the crash";
  EXPECT_FALSE(connected(connect(url))) << "a new connection was accepted after the crash";

  server.start();
  EXPECT_TRUE(server.running());
  EXPECT_EQ(server.port(), port);
  // It was a crash, not a shutdown: the server had to recover.
  EXPECT_NE(server.log().find("automatic recovery in progress"), std::string::npos) << server.log();
  auto after = connect(url);
  ASSERT_TRUE(connected(after)) << PQerrorMessage(after.get()) << server.log();
  EXPECT_EQ(value(after, "SELECT id FROM calls"), "kept");
}

TEST(PostgresServer, AStopRefusesConnectionsUntilStart) {
  PostgresServer server;
  auto url = server.create_database();
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(connected(connect(url)));
  server.start();
  auto connection = connect(url);
  ASSERT_TRUE(connected(connection)) << PQerrorMessage(connection.get());
  EXPECT_EQ(value(connection, "SELECT 1"), "1");
}

TEST(PostgresServer, ARestartOnATakenPortFailsWithTheServersLog) {
  PostgresServer server;
  server.kill();
  {
    PortSquatter squatter(server.port());
    try {
      server.start();
      FAIL() << "started on a port another process listens on";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(server.running());
  }
  server.start();
  EXPECT_TRUE(connected(connect(server.url())));
}

TEST(PostgresServer, NothingOfItOutlivesTheObject) {
  std::vector<pid_t> processes;
  std::string directory;
  {
    PostgresServer server;
    directory = server.directory();
    // A client still connected: the shutdown must not wait for it.
    auto connection = connect(server.url());
    ASSERT_TRUE(connected(connection)) << PQerrorMessage(connection.get());
    auto backends = values(connection, "SELECT pid FROM pg_stat_activity");
    ASSERT_TRUE(backends);
    for (const auto& pid : *backends) processes.push_back(std::stoi(pid));
    processes.push_back(server.pid());
    ASSERT_GT(processes.size(), 2u);  // the postmaster, this backend, its helpers
    ASSERT_TRUE(std::filesystem::is_directory(directory + "/data"));
  }
  for (pid_t pid : processes) EXPECT_FALSE(alive(pid)) << "process " << pid << " outlived it";
  EXPECT_FALSE(std::filesystem::exists(directory));
}

}  // namespace
}  // namespace chorus::test
