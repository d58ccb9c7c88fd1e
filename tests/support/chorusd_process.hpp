#pragma once
// The real chorusd as a child process of a test: started with the given flags
// (a scratch --data-dir of its own unless they name a store), ready once it has
// printed its "listening" line (the port and, when one is made, the development
// key are read from it), stdout and stderr captured, and on destruction SIGTERM
// and a bounded wait (SIGKILL after 15 s) whose exit status must be clean: every
// test's daemon must shut down cleanly.
//
// CHORUSD_UNDER_TEST names another build to run (CI runs the suites against a
// sanitized chorusd; or one without a fix, to see its regression test fail).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/scratch_dir.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/pipe_reader.hpp"

namespace chorus::test {

// The chorusd executable the tests run: CHORUSD_UNDER_TEST, else the one built here.
std::string chorusd_path();

class ChorusdProcess {
 public:
  // Starts chorusd with `args` (after argv[0]). With `wait_listening`, waits (up to
  // 10 s) for the "listening" line and fails the test (and throws) if it never comes.
  explicit ChorusdProcess(std::vector<std::string> args, bool wait_listening = true);
  ~ChorusdProcess();
  ChorusdProcess(const ChorusdProcess&) = delete;
  ChorusdProcess& operator=(const ChorusdProcess&) = delete;

  // `flags` after --listen on a free loopback port.
  static std::vector<std::string> on_free_port(const std::vector<std::string>& flags);

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  // The development key printed at start, or "" when none was.
  const std::string& dev_key() const { return dev_key_; }
  const std::string& dev_customer() const { return dev_customer_; }
  std::string out() const { return out_->text(); }
  std::string err() const { return err_->text(); }

  // Waits (bounded) for the "listening" line; a test failure, and a throw, if it
  // never comes.
  void await_listening(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  void signal(int sig) const { process_->signal(sig); }
  // Whether it is still running (not exited, not crashed).
  bool alive() { return process_->running(); }
  // Waits up to `timeout` for it to end by itself; nullopt if it has not.
  std::optional<ExitStatus> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then waits; SIGKILL (and timed_out) after `grace`.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(15));

  // For tests that end the process themselves with an unusual outcome.
  void expect_clean_exit(bool expect) { expect_clean_exit_ = expect; }

 private:
  void start(std::vector<std::string> args);
  ExitStatus ended(ExitStatus status);  // once it has: all its output read

  std::unique_ptr<ScratchDir> data_;
  std::unique_ptr<PipeReader> out_;
  std::unique_ptr<PipeReader> err_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
  std::string dev_key_;
  std::string dev_customer_;
  bool expect_clean_exit_ = true;
  bool judged_ = false;  // the test has seen how it ended
};

// What a run to completion (--help, a refused start) gave.
struct CompletedRun {
  ExitStatus status;
  std::string out;
  std::string err;
};

// Runs chorusd with `args` until it exits by itself (bounded; killed after `timeout`).
CompletedRun run_chorusd(std::vector<std::string> args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace chorus::test
