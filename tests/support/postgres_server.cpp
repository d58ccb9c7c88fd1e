#include "tests/support/postgres_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "tests/support/free_port.hpp"

#ifndef CHORUS_POSTGRES_BIN_DIR
#error "CHORUS_POSTGRES_BIN_DIR must name PostgreSQL's bin directory (initdb, postgres)"
#endif

namespace chorus::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char bin_dir[] = CHORUS_POSTGRES_BIN_DIR;
constexpr char system_user[] = "postgres";  // PostgreSQL refuses to run as root
constexpr char role[] = "chorus";           // the superuser initdb makes; trust, no password
constexpr char ready_line[] = "database system is ready to accept connections";
constexpr char port_taken[] = "Address already in use";
constexpr auto initdb_time = 120s;  // --no-sync: a few seconds, more on a busy machine
constexpr auto ready_time = 30s;
constexpr auto shutdown_time = 60s;   // a fast shutdown's checkpoint
constexpr auto last_exit_time = 30s;  // SIGKILLed processes closing the log pipe
constexpr int port_attempts = 5;

std::string temp_base() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

// A pipe whose write end the child gets as both stdout and stderr; its read end
// collected by a PipeReader. The write end is closed here once the child has it, so
// the reader sees the end when the last process holding it (the server's children
// inherit it) has ended.
struct LoggedChild {
  std::unique_ptr<PipeReader> log;
  std::unique_ptr<ChildProcess> process;
};

LoggedChild launch_logged(std::vector<std::string> argv, const std::string& directory) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  LoggedChild child;
  child.log = std::make_unique<PipeReader>(ends[0]);
  ChildProcess::Launch launch{
      std::move(argv), directory, {{STDOUT_FILENO, ends[1]}, {STDERR_FILENO, ends[1]}}};
  try {
    child.process = std::make_unique<ChildProcess>(launch, system_user);
  } catch (...) {
    ::close(ends[1]);
    throw;
  }
  ::close(ends[1]);
  return child;
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

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

}  // namespace

PostgresServer::PostgresServer() {
  make_directory();
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
  try {
    stop();
  } catch (...) {
    kill();  // cannot throw from here on: it only signals and waits
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;  // destroyed, so stopped, at exit
  return server;
}

std::string PostgresServer::url(const std::string& database) const {
  return std::string("postgresql://") + role + "@127.0.0.1:" + std::to_string(port_) + "/" +
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

void PostgresServer::make_directory() {
  std::string pattern = temp_base() + "/chorus-pg-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  root_ = pattern;
  if (::geteuid() != 0) return;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r(system_user, &entry, buffer.data(), buffer.size(), &found) != 0 || !found ||
      ::chown(root_.c_str(), found->pw_uid, found->pw_gid) != 0) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
    throw std::runtime_error(std::string("cannot give ") + root_ + " to the system user " +
                             system_user + " (PostgreSQL does not run as root)");
  }
}

void PostgresServer::initdb() {
  auto child =
      launch_logged({std::string(bin_dir) + "/initdb", "-D", root_ + "/data", "-A", "trust", "-U",
                     role, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                    root_);
  auto status = child.process->wait(initdb_time);
  if (!status) status = child.process->kill();
  child.log->join();
  if (!status->clean()) {
    throw std::runtime_error("initdb " + status->to_string() + ":\n" + child.log->text());
  }
}

void PostgresServer::start() {
  if (running()) return;
  const bool restart = port_ != 0;  // clients already know this port: keep it
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    if (!restart) port_ = free_loopback_port();
    if (try_start()) return;
    if (restart) {
      throw std::runtime_error("PostgreSQL cannot listen again on port " + std::to_string(port_) +
                               ": another process has it\n" + log());
    }
  }
  throw std::runtime_error("PostgreSQL found no free loopback port in " +
                           std::to_string(port_attempts) + " attempts:\n" + log());
}

bool PostgresServer::try_start() {
  // fsync and full-page writes off: test speed. A test's data need only survive
  // the server's crash (kill), never the machine's, and the page cache keeps it.
  auto child = launch_logged(
      {std::string(bin_dir) + "/postgres", "-D", root_ + "/data", "-p", std::to_string(port_), "-k",
       root_, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
       "-c", "max_connections=200", "-c", "shared_buffers=32MB"},
      root_);
  log_ = std::move(child.log);
  process_ = std::move(child.process);
  // Ready, or ended: the log pipe closes once the server and all its children have.
  log_->wait_for_line(ready_line, Clock::now() + ready_time);
  auto text = log_->text();
  if (text.find(ready_line) != std::string::npos) return true;
  kill();
  if (text.find(port_taken) != std::string::npos) return false;
  throw std::runtime_error("PostgreSQL did not accept connections within " +
                           std::to_string(ready_time.count()) + " s on port " +
                           std::to_string(port_) + "; its log:\n" + log());
}

void PostgresServer::stop() {
  if (!process_) return;
  process_->signal(SIGINT);  // fast shutdown: clients disconnected, then a checkpoint
  if (!process_->wait(shutdown_time)) {
    kill();
    throw std::runtime_error("PostgreSQL did not shut down within " +
                             std::to_string(shutdown_time.count()) + " s; its log:\n" + log());
  }
  forget_process();
}

void PostgresServer::kill() {
  if (!process_) return;
  const pid_t postmaster = process_->pid();
  if (process_->running()) {
    // Stopped (waitid confirms it), the postmaster forks nothing new and reaps
    // nothing: its children's ids, listed now, stay theirs until it dies, so each
    // SIGKILL reaches the process meant. Then the postmaster itself. (WNOWAIT: an
    // exit seen here is left for ChildProcess to reap.)
    ::kill(postmaster, SIGSTOP);
    siginfo_t seen{};
    while (::waitid(P_PID, static_cast<id_t>(postmaster), &seen, WSTOPPED | WEXITED | WNOWAIT) <
               0 &&
           errno == EINTR) {
    }
    for (pid_t child : children_of(postmaster)) ::kill(child, SIGKILL);
    process_->kill();
  }
  forget_process();
}

bool PostgresServer::running() {
  return process_ && process_->running();
}

std::string PostgresServer::log() const {
  return log_ ? log_->text() : std::string();
}

void PostgresServer::forget_process() {
  // Every server process holds the log pipe: its end is the last one's exit. A
  // postmaster that died on its own leaves children that follow it within moments.
  if (log_->wait_for(Clock::now() + last_exit_time,
                     [](const std::string&, bool closed) { return closed; })) {
    log_->join();
  }
  process_.reset();
}

}  // namespace chorus::test
