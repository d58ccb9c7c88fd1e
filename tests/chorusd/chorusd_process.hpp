#pragma once
// Runs the real chorusd as a child process: fork/exec with the given flags, its
// stdout and stderr drained by a thread each (so it never blocks on a full pipe),
// the port (and the development key, when one is printed) read from the first
// lines of stdout, and on destruction SIGTERM, then a bounded waitpid (SIGKILL
// after 15 s) whose exit status is checked: every test's daemon must shut down
// cleanly.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/scratch_dir.hpp"

#ifndef CHORUSD_PATH
#error "CHORUSD_PATH must name the chorusd executable"
#endif

namespace chorus::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How a process ended.
struct ExitStatus {
  bool exited = false;  // by exit(); `code` is its status
  int code = -1;
  bool signaled = false;  // by a signal; `signal` is which
  int signal = 0;
  bool timed_out = false;  // it had to be killed

  static ExitStatus of(int wait_status) {
    ExitStatus s;
    if (WIFEXITED(wait_status)) {
      s.exited = true;
      s.code = WEXITSTATUS(wait_status);
    } else if (WIFSIGNALED(wait_status)) {
      s.signaled = true;
      s.signal = WTERMSIG(wait_status);
    }
    return s;
  }
  bool clean() const { return exited && code == 0 && !timed_out; }
  std::string to_string() const {
    std::string text = exited     ? "exited with " + std::to_string(code)
                       : signaled ? "killed by signal " + std::to_string(signal)
                                  : "not ended";
    if (timed_out) text += " (after a timeout)";
    return text;
  }
};

// Text a pipe delivers, collected by a thread until the writer closes it.
class PipeReader {
 public:
  explicit PipeReader(int fd) : fd_(fd), thread_([this] { run(); }) {}
  ~PipeReader() {
    join();
    ::close(fd_);
  }
  PipeReader(const PipeReader&) = delete;
  PipeReader& operator=(const PipeReader&) = delete;

  std::string text() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return text_;
  }
  // Waits until `done(text, closed)` holds or the deadline passes; returns whether it held.
  template <class Predicate>
  bool wait_for(Clock::time_point deadline, Predicate done) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return done(text_, closed_); });
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    char buffer[4096];
    for (;;) {
      auto n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard<std::mutex> guard(mutex_);
      if (n <= 0) {
        closed_ = true;
        changed_.notify_all();
        return;
      }
      text_.append(buffer, static_cast<std::size_t>(n));
      changed_.notify_all();
    }
  }

  int fd_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string text_;
  bool closed_ = false;
  std::thread thread_;
};

class ChorusdProcess {
 public:
  // Starts chorusd with `args` (after argv[0]). With `wait_listening`, waits (up to
  // 10 s) for the "listening" line and fails the test if it never comes.
  explicit ChorusdProcess(std::vector<std::string> args, bool wait_listening = true) {
    start(std::move(args));
    if (!wait_listening) return;
    try {
      await_listening();
    } catch (...) {
      stop(2s);  // the destructor does not run for a constructor that throws
      throw;
    }
  }
  ~ChorusdProcess() {
    if (pid_ > 0 && expect_clean_exit_) {
      auto status = stop();
      EXPECT_TRUE(status.clean()) << "chorusd " << status.to_string() << "\nstderr:\n"
                                  << err_->text();
    } else if (pid_ > 0) {
      stop();
    }
  }
  ChorusdProcess(const ChorusdProcess&) = delete;
  ChorusdProcess& operator=(const ChorusdProcess&) = delete;

  // Starts chorusd on a free loopback port with the given extra flags.
  static std::vector<std::string> on_free_port(std::vector<std::string> flags) {
    std::vector<std::string> args{"--listen", "127.0.0.1:0"};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The development key printed at start, or "" when none was.
  const std::string& dev_key() const { return dev_key_; }
  const std::string& dev_customer() const { return dev_customer_; }
  std::string out() const { return out_->text(); }
  std::string err() const { return err_->text(); }

  // Waits (bounded) for the "listening" line; ASSERT-style failure if it never comes.
  void await_listening(std::chrono::milliseconds timeout = 10s) {
    static constexpr char marker[] = "chorusd listening on http://127.0.0.1:";
    std::size_t at = std::string::npos;
    out_->wait_for(Clock::now() + timeout, [&](const std::string& text, bool closed) {
      at = text.find(marker);
      return closed || (at != std::string::npos && text.find('\n', at) != std::string::npos);
    });
    auto text = out_->text();
    at = text.find(marker);
    if (at == std::string::npos) {
      ADD_FAILURE() << "chorusd did not print its listening line; stdout:\n"
                    << text << "\nstderr:\n"
                    << err_->text();
      throw std::runtime_error("chorusd did not start");
    }
    port_ = static_cast<std::uint16_t>(std::stoul(text.substr(at + sizeof marker - 1)));
    static constexpr char key_marker[] = "development key: ";
    auto key_at = text.find(key_marker);
    if (key_at != std::string::npos && key_at < at) {
      auto begin = key_at + sizeof key_marker - 1;
      dev_key_ = text.substr(begin, text.find(' ', begin) - begin);
      static constexpr char customer_marker[] = "(customer ";
      auto c = text.find(customer_marker, begin);
      if (c != std::string::npos) {
        c += sizeof customer_marker - 1;
        dev_customer_ = text.substr(c, text.find(')', c) - c);
      }
    }
  }

  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  // Waits up to `timeout` for the process to end by itself; nullopt if it has not.
  std::optional<ExitStatus> wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return status_;
    auto deadline = Clock::now() + timeout;
    for (;;) {
      int wait_status = 0;
      auto r = ::waitpid(pid_, &wait_status, WNOHANG);
      if (r == pid_) {
        status_ = ExitStatus::of(wait_status);
        pid_ = -1;
        out_->join();
        err_->join();
        return status_;
      }
      if (r < 0 && errno != EINTR) return std::nullopt;
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(5ms);
    }
  }

  // SIGTERM, then waits; SIGKILL (and timed_out) after `grace`.
  ExitStatus stop(std::chrono::milliseconds grace = 15s) {
    if (pid_ <= 0) return status_;
    signal(SIGTERM);
    if (auto s = wait(grace)) return *s;
    signal(SIGKILL);
    auto s = wait(5s);
    status_ = s ? *s : ExitStatus{};
    status_.timed_out = true;
    return status_;
  }

  // For tests that end the process themselves with an unusual outcome.
  void expect_clean_exit(bool expect) { expect_clean_exit_ = expect; }

 private:
  void start(std::vector<std::string> args) {
    // CHORUSD_UNDER_TEST names another build to run, e.g. one without a fix, to see its
    // regression test fail.
    const char* under_test = std::getenv("CHORUSD_UNDER_TEST");
    std::vector<std::string> owned{under_test && *under_test ? under_test : CHORUSD_PATH};
    owned.insert(owned.end(), args.begin(), args.end());
    if (!names_its_store(args)) {
      data_ = std::make_unique<ScratchDir>();
      owned.insert(owned.end(), {"--data-dir", data_->path()});
    }
    std::vector<char*> argv;
    for (auto& a : owned) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    auto parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls from here to exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      if (::getppid() != parent) ::_exit(127);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = std::make_unique<PipeReader>(out[0]);
    err_ = std::make_unique<PipeReader>(err[0]);
  }

  // A test that gives no --data-dir (or --store) gets a database of its own.
  static bool names_its_store(const std::vector<std::string>& args) {
    for (auto& a : args) {
      if (a == "--data-dir" || a == "--store") return true;
    }
    return false;
  }

  std::unique_ptr<ScratchDir> data_;
  pid_t pid_ = -1;
  std::unique_ptr<PipeReader> out_;
  std::unique_ptr<PipeReader> err_;
  std::uint16_t port_ = 0;
  std::string dev_key_;
  std::string dev_customer_;
  ExitStatus status_;
  bool expect_clean_exit_ = true;
};

// What a run to completion (--help, a refused start) gave.
struct CompletedRun {
  ExitStatus status;
  std::string out;
  std::string err;
};

// Runs chorusd with `args` until it exits by itself (bounded; killed after `timeout`).
inline CompletedRun run_chorusd(std::vector<std::string> args,
                                std::chrono::milliseconds timeout = 10s) {
  ChorusdProcess process(std::move(args), false);
  process.expect_clean_exit(false);
  CompletedRun run;
  if (auto s = process.wait(timeout)) {
    run.status = *s;
  } else {
    run.status = process.stop(1s);
    run.status.timed_out = true;
  }
  run.out = process.out();
  run.err = process.err();
  return run;
}

}  // namespace chorus::test
