#pragma once
// A real PostgreSQL 15 server of a test's own: a fresh cluster (initdb) in a new
// temporary directory, the server binary run directly as a child process on a free
// loopback port (never pg_ctl, whose daemon would outlive a crashed test), ready
// when its log says so (a LoopbackServer). As root, initdb and the server run as the `postgres`
// user.
//
// One server serves many tests: create_database() gives each its own empty
// database. shared() is the test binary's one server, so a suite pays initdb once;
// a test that stops or kills the server makes its own instance.
//
// Like every ChildProcess, the server dies with the thread that started it (the
// constructor, start()): start it from the test's own thread, not a passing one.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "tests/support/loopback_server.hpp"

namespace chorus::test {

class PostgresServer : private LoopbackServer {
 public:
  // initdb, then start(); throws std::runtime_error (with the log) when either fails.
  PostgresServer();
  ~PostgresServer();  // a fast shutdown, and the directory removed
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The binary's one server, started on first use and stopped at exit. Never stop
  // or kill it: other tests are using it.
  static PostgresServer& shared();

  // postgresql://chorus@127.0.0.1:PORT/DATABASE
  std::string url(const std::string& database = "postgres") const;
  // A new, empty, uniquely named database; its URL. Throws when it cannot be made.
  std::string create_database();

  // Starts the server on the same data directory and port, and waits (up to 30 s)
  // for it to accept connections; throws, with its log, when it does not.
  using LoopbackServer::start;
  // A fast shutdown (SIGINT: clients disconnected, a clean checkpoint); waits for
  // every server process to end.
  using LoopbackServer::stop;
  // SIGKILL to the server and every process of it, as a crash would; waits for
  // them to end. Existing connections break, new ones are refused.
  using LoopbackServer::kill;
  using LoopbackServer::running;

  using LoopbackServer::pid;
  using LoopbackServer::port;
  const std::string& directory() const { return root_; }
  // What the current (or last) run of the server has logged.
  using LoopbackServer::log;

 private:
  explicit PostgresServer(std::string root);  // a new directory's: initdb, then start()
  void initdb();

  std::string root_;  // ours: the data directory and the Unix socket are in it
  std::atomic<int> databases_{0};
};

}  // namespace chorus::test
