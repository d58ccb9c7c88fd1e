#include "tests/support/postgres_server.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "tests/support/logged_child.hpp"

#ifndef CHORUS_POSTGRES_BIN_DIR
#error "CHORUS_POSTGRES_BIN_DIR must name PostgreSQL's bin directory (initdb, postgres)"
#endif

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

constexpr char bin_dir[] = CHORUS_POSTGRES_BIN_DIR;
constexpr char system_user[] = "postgres";  // PostgreSQL refuses to run as root
constexpr char role[] = "chorus";           // the superuser initdb makes; trust, no password
constexpr char ready_line[] = "database system is ready to accept connections";
constexpr char port_taken[] = "Address already in use";
constexpr auto initdb_time = 120s;  // --no-sync: a few seconds, more on a busy machine
constexpr auto ready_time = 30s;
constexpr auto shutdown_time = 60s;  // a fast shutdown's checkpoint
// fsync and full-page writes off: test speed. A test's data need only survive the
// server's crash (kill), never the machine's, and the page cache keeps it.
constexpr const char* settings[] = {"listen_addresses=127.0.0.1", "fsync=off",
                                    "full_page_writes=off", "max_connections=200",
                                    "shared_buffers=32MB"};
// Every server process holds the log pipe: its end is the last one's exit. A
// postmaster that died on its own leaves children that follow it within moments.
constexpr auto last_exit_time = 30s;  // SIGKILLed processes closing the log pipe

std::string temp_base() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

// A new temporary directory, the `postgres` user's when we are root.
std::string make_directory() {
  std::string pattern = temp_base() + "/chorus-pg-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  if (::geteuid() != 0) return pattern;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r(system_user, &entry, buffer.data(), buffer.size(), &found) != 0 || !found ||
      ::chown(pattern.c_str(), found->pw_uid, found->pw_gid) != 0) {
    std::error_code ignored;
    std::filesystem::remove_all(pattern, ignored);
    throw std::runtime_error(std::string("cannot give ") + pattern + " to the system user " +
                             system_user + " (PostgreSQL does not run as root)");
  }
  return pattern;
}

// The processes whose parent is `parent` now (from /proc/N/stat: the field after
// the state, which follows the command name's closing parenthesis).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(text.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == parent) {
      children.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return children;
}

// Stopped (waitid confirms it), the postmaster forks nothing new and reaps
// nothing: its children's ids, listed now, stay theirs until it dies, so each
// SIGKILL reaches the process meant. Then LoopbackServer kills the postmaster
// itself. (WNOWAIT: an exit seen here is left for ChildProcess to reap.)
void kill_children_of_frozen(pid_t postmaster) {
  ::kill(postmaster, SIGSTOP);
  siginfo_t seen{};
  while (::waitid(P_PID, static_cast<id_t>(postmaster), &seen, WSTOPPED | WEXITED | WNOWAIT) < 0 &&
         errno == EINTR) {
  }
  for (pid_t child : children_of(postmaster)) ::kill(child, SIGKILL);
}

// The server on `root`'s cluster.
LoopbackServer::Program postgres(const std::string& root) {
  LoopbackServer::Program program;
  program.name = "PostgreSQL";
  program.arguments = [root](std::uint16_t port) {
    // The Unix socket in root (-k): the default directory may not be ours to write.
    std::vector<std::string> argv{std::string(bin_dir) + "/postgres", "-D", root + "/data"};
    argv.insert(argv.end(), {"-k", root, "-p", std::to_string(port)});
    for (const char* setting : settings) argv.insert(argv.end(), {"-c", setting});
    return argv;
  };
  program.directory = root;
  program.user = system_user;
  program.ready_line = ready_line;
  program.port_taken = port_taken;
  program.stop_signal = SIGINT;  // fast shutdown: clients disconnected, then a checkpoint
  program.ready_time = ready_time;
  program.shutdown_time = shutdown_time;
  program.last_exit_time = last_exit_time;
  program.kill_descendants = kill_children_of_frozen;
  return program;
}

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

}  // namespace

PostgresServer::PostgresServer() : PostgresServer(make_directory()) {}

PostgresServer::PostgresServer(std::string root)
    : LoopbackServer(postgres(root)), root_(std::move(root)) {
  try {
    initdb();
    start();
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    kill();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
    throw;
  }
}

PostgresServer::~PostgresServer() {
  shut_down();  // before its directory goes
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;  // destroyed, so stopped, at exit
  return server;
}

std::string PostgresServer::url(const std::string& database) const {
  return std::string("postgresql://") + role + "@127.0.0.1:" + std::to_string(port()) + "/" +
         database;
}

std::string PostgresServer::create_database() {
  // Names of our own making only: a counter, so no quoting is needed.
  auto name = "chorus_test_" + std::to_string(++databases_);
  std::unique_ptr<PGconn, ConnectionCloser> connection(PQconnectdb(url().c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url() + ": " +
                             PQerrorMessage(connection.get()));
  }
  std::unique_ptr<PGresult, ResultClearer> result(
      PQexec(connection.get(), ("CREATE DATABASE " + name).c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("CREATE DATABASE " + name +
                             " failed: " + PQerrorMessage(connection.get()));
  }
  return url(name);
}

void PostgresServer::initdb() {
  auto child =
      launch_logged({std::string(bin_dir) + "/initdb", "-D", root_ + "/data", "-A", "trust", "-U",
                     role, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                    root_, system_user);
  auto status = child.process->wait(initdb_time);
  if (!status) status = child.process->kill();
  child.log->join();
  if (!status->clean()) {
    throw std::runtime_error("initdb " + status->to_string() + ":\n" + child.log->text());
  }
}

}  // namespace chorus::test
