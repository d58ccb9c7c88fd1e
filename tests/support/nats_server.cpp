#include "tests/support/nats_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "tests/support/free_port.hpp"

#ifndef CHORUS_NATS_SERVER
#error "CHORUS_NATS_SERVER must name the nats-server executable (package nats-server)"
#endif

namespace chorus::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char executable[] = CHORUS_NATS_SERVER;
constexpr char ready_line[] = "Server is ready";
// Its fatal line when the port is taken: `... bind: address already in use`.
constexpr char port_taken[] = "address already in use";
constexpr auto ready_time = 10s;
constexpr auto shutdown_time = 10s;   // SIGTERM: it closes its clients and exits
constexpr auto last_exit_time = 10s;  // the ended server's log pipe closing
constexpr int port_attempts = 5;

// No monitoring port (-m): one more port to find free, and nothing the tests use.
// No -D/-V: the tests wait on its INF lines only, and tracing 1,000s of messages
// would fill the log. It logs to stderr unless told otherwise.
std::vector<std::string> arguments(std::uint16_t port) {
  return {executable, "-a", "127.0.0.1", "-p", std::to_string(port)};
}

}  // namespace

NatsServer::NatsServer() {
  try {
    start();
  } catch (...) {
    kill();  // the destructor does not run for a constructor that throws
    throw;
  }
}

NatsServer::~NatsServer() {
  try {
    stop();
  } catch (...) {
    kill();  // cannot throw from here on: it only signals and waits
  }
}

NatsServer& NatsServer::shared() {
  static NatsServer server;  // destroyed, so stopped, at exit
  return server;
}

std::string NatsServer::url() const {
  return "nats://127.0.0.1:" + std::to_string(port_);
}

void NatsServer::start() {
  if (running()) return;
  const bool restart = port_ != 0;  // clients already know this port: keep it
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    if (!restart) port_ = free_loopback_port();
    if (try_start()) return;
    if (restart) {
      throw std::runtime_error("nats-server cannot listen again on port " + std::to_string(port_) +
                               ": another process has it\n" + log());
    }
  }
  throw std::runtime_error("nats-server found no free loopback port in " +
                           std::to_string(port_attempts) + " attempts:\n" + log());
}

bool NatsServer::try_start() {
  // One pipe for stdout and stderr; the write end closed here once the child has
  // it, so the reader sees the end when the server has ended.
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  log_ = std::make_unique<PipeReader>(ends[0]);
  ChildProcess::Launch launch{
      arguments(port_), "", {{STDOUT_FILENO, ends[1]}, {STDERR_FILENO, ends[1]}}};
  try {
    process_ = std::make_unique<ChildProcess>(launch);
  } catch (...) {
    ::close(ends[1]);
    throw;
  }
  ::close(ends[1]);

  // Ready, or ended: the log pipe closes when the server exits.
  log_->wait_for_line(ready_line, Clock::now() + ready_time);
  auto text = log_->text();
  if (text.find(ready_line) != std::string::npos) return true;
  const bool ended =  // closed now: the deadline has passed, so this only looks
      log_->wait_for(Clock::now(), [](const std::string&, bool closed) { return closed; });
  kill();
  if (text.find(port_taken) != std::string::npos) return false;
  throw std::runtime_error(
      "nats-server " +
      (ended ? std::string("ended before it was ready")
             : "was not ready within " + std::to_string(ready_time.count()) + " s") +
      " on port " + std::to_string(port_) + "; its log:\n" + log());
}

void NatsServer::stop() {
  if (!process_) return;
  auto status = process_->stop(shutdown_time);  // SIGTERM; SIGKILL after the grace
  forget_process();
  if (status.timed_out) {
    throw std::runtime_error("nats-server did not stop within " +
                             std::to_string(shutdown_time.count()) +
                             " s of SIGTERM and was killed; its log:\n" + log());
  }
}

void NatsServer::kill() {
  if (!process_) return;
  process_->kill();
  forget_process();
}

bool NatsServer::running() {
  return process_ && process_->running();
}

std::string NatsServer::log() const {
  return log_ ? log_->text() : std::string();
}

void NatsServer::forget_process() {
  // Its end closes the pipe; the reader then holds the whole log.
  if (log_->wait_for(Clock::now() + last_exit_time,
                     [](const std::string&, bool closed) { return closed; })) {
    log_->join();
  }
  process_.reset();
}

}  // namespace chorus::test
