#include "tests/support/nats_server.hpp"

#include <signal.h>

#include <chrono>
#include <vector>

#ifndef CHORUS_NATS_SERVER
#error "CHORUS_NATS_SERVER must name the nats-server executable (package nats-server)"
#endif

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

constexpr char executable[] = CHORUS_NATS_SERVER;

// No monitoring port (-m): one more port to find free, and nothing the tests use.
// No -D/-V: the tests wait on its INF lines only, and tracing 1,000s of messages
// would fill the log. It logs to stderr unless told otherwise.
std::vector<std::string> arguments(std::uint16_t port) {
  return {executable, "-a", "127.0.0.1", "-p", std::to_string(port)};
}

LoopbackServer::Program nats_server() {
  LoopbackServer::Program program;
  program.name = "nats-server";
  program.arguments = arguments;
  program.ready_line = "Server is ready";
  // Its fatal line when the port is taken: `... bind: address already in use`.
  program.port_taken = "address already in use";
  program.stop_signal = SIGTERM;  // it closes its clients and exits
  program.ready_time = 10s;
  program.shutdown_time = 10s;
  program.last_exit_time = 10s;
  return program;
}

}  // namespace

NatsServer::NatsServer() : LoopbackServer(nats_server()) {
  // A throw leaves nothing running (start() kills what it started), and the
  // LoopbackServer's destructor runs.
  start();
}

NatsServer::~NatsServer() = default;  // the LoopbackServer's shuts it down

NatsServer& NatsServer::shared() {
  static NatsServer server;  // destroyed, so stopped, at exit
  return server;
}

std::string NatsServer::url() const {
  return "nats://127.0.0.1:" + std::to_string(port());
}

}  // namespace chorus::test
