#pragma once
// A real nats-server (NATS 2.9) of a test's own: the binary run directly as a child
// process on 127.0.0.1 and a free loopback port (a LoopbackServer), no monitoring
// port, its log on stderr, ready when the log says so. The cluster tests put it
// between chorusd nodes; stop() and kill() take it away under their clients,
// start() brings it back on the same port, where their reconnect logic finds it
// again.
//
// shared() is the test binary's one server; a test that stops or kills the server
// makes its own instance.
//
// Like every ChildProcess, the server dies with the thread that started it (the
// constructor, start()): start it from the test's own thread, not a passing one.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "tests/support/loopback_server.hpp"

namespace chorus::test {

class NatsServer : private LoopbackServer {
 public:
  // start() on a free loopback port (another one when someone takes it first);
  // throws std::runtime_error, with the log, when the server does not become ready.
  NatsServer();
  ~NatsServer();  // stopped; killed when it does not stop
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // The binary's one server, started on first use and stopped at exit. Never stop
  // or kill it: other tests are using it.
  static NatsServer& shared();

  // nats://127.0.0.1:PORT
  std::string url() const;
  using LoopbackServer::pid;
  using LoopbackServer::port;

  // Starts the server again on the same port and waits (up to 10 s) for it to be
  // ready; throws, with its log, when it is not (the port taken meanwhile included).
  using LoopbackServer::start;
  // SIGTERM: clients disconnected, the server ends; waits for it.
  using LoopbackServer::stop;
  // SIGKILL, as a crash would; waits for it to end.
  using LoopbackServer::kill;
  using LoopbackServer::running;

  // What the current (or last) run of the server has logged.
  using LoopbackServer::log;
};

}  // namespace chorus::test
