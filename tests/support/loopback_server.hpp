#pragma once
// A server program a test runs as a child process on a loopback port: a free port
// at first (another one when someone takes it before the server binds it), the
// same port on every restart (its clients know it), its stdout and stderr one
// log, ready when the log says so. stop() and kill() take it away under its
// clients; start() brings it back. NatsServer and PostgresServer are two of them;
// what is particular to each program is its Program.
//
// Like every ChildProcess, the server dies with the thread that started it.

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/pipe_reader.hpp"

namespace chorus::test {

class LoopbackServer {
 public:
  struct Program {
    std::string name;  // as the error messages call it: "nats-server", "PostgreSQL"
    // Its argv (argv[0] the executable's path) to listen on `port`.
    std::function<std::vector<std::string>(std::uint16_t port)> arguments;
    std::string directory;      // its working directory; empty: ours
    std::string user;           // who it runs as when we are root (see ChildProcess)
    std::string ready_line;     // logged once it accepts connections
    std::string port_taken;     // in its log when it cannot bind the port
    int stop_signal = SIGTERM;  // what asks it to end, clients disconnected
    std::chrono::seconds ready_time{10};
    std::chrono::seconds shutdown_time{10};   // from stop_signal to its exit
    std::chrono::seconds last_exit_time{10};  // from its exit to the log pipe's end
    // Before a kill's SIGKILL reaches the server, while it still runs: what else
    // of it must die with it (PostgreSQL's postmaster's children). May be empty.
    std::function<void(pid_t server)> kill_descendants;
  };

  explicit LoopbackServer(Program program);  // not started yet
  ~LoopbackServer();                         // shut_down()
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Starts it (on a new free port the first time, on the same port after) and
  // waits up to ready_time for its ready line; throws std::runtime_error, with its
  // log, when it is not ready (the port taken meanwhile included). Running: nothing.
  void start();
  // stop_signal, and waits for it (and its log) to end; killed, and a throw with
  // its log, when it does not end within shutdown_time.
  void stop();
  // SIGKILL, as a crash would (kill_descendants first); waits for it to end.
  void kill();
  // stop(); kill() when that throws. Never throws.
  void shut_down() noexcept;
  bool running();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // What the current (or last) run of the server has logged.
  std::string log() const;

 private:
  // One attempt on port_: whether it became ready; false only when the port was
  // taken (any other failure throws).
  bool try_start();
  void forget_process();  // after it has ended: the log read to its end

  Program program_;
  std::uint16_t port_ = 0;
  std::unique_ptr<PipeReader> log_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace chorus::test
