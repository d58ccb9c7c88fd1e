#pragma once
// The real chorusd as a child process for the WebSocket tests: fork/exec on
// 127.0.0.1:0 with two customers' keys, stdout and stderr drained by a thread
// each, the port read from the "listening" line, and on destruction SIGTERM and a
// bounded wait (SIGKILL after 15 s) whose outcome must be a clean exit.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/scratch_dir.hpp"

#ifndef CHORUSD_PATH
#error "CHORUSD_PATH must name the chorusd executable"
#endif

namespace chorus::wstest {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline const std::string customer_a = "a1a1a1a1-0000-4000-8000-00000000000a";
inline const std::string customer_b = "b2b2b2b2-0000-4000-8000-00000000000b";
inline const std::string key_a = "ws-key-of-a";
inline const std::string key_b = "ws-key-of-b";

// Text a pipe delivers, collected by a thread until the writer closes it.
class PipeDrain {
 public:
  explicit PipeDrain(int fd) : fd_(fd), thread_([this] { run(); }) {}
  ~PipeDrain() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  PipeDrain(const PipeDrain&) = delete;
  PipeDrain& operator=(const PipeDrain&) = delete;

  std::string text() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return text_;
  }
  // Waits until `text` contains `needle` followed by a newline (or the pipe closes).
  bool wait_for_line(const std::string& needle, Clock::time_point deadline) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] {
      auto at = text_.find(needle);
      return closed_ || (at != std::string::npos && text_.find('\n', at) != std::string::npos);
    });
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

// The chorusd to run: CHORUSD_UNDER_TEST when set (CI runs these suites against a
// sanitized build), else the one built beside these tests.
inline std::string chorusd_path() {
  const char* under_test = std::getenv("CHORUSD_UNDER_TEST");
  return under_test && *under_test ? under_test : CHORUSD_PATH;
}

class Chorusd {
 public:
  // chorusd on a free loopback port with keys for customers A and B, plus `flags`.
  explicit Chorusd(std::vector<std::string> flags = {}) {
    std::vector<std::string> args{chorusd_path(),
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--log-level",
                                  "warn",
                                  "--api-key",
                                  key_a + "=" + customer_a,
                                  "--api-key",
                                  key_b + "=" + customer_b};
    args.insert(args.end(), flags.begin(), flags.end());
    // Each daemon keeps its database in a directory of its own.
    args.insert(args.end(), {"--data-dir", data_.path()});
    start(args);
    static const std::string marker = "chorusd listening on http://127.0.0.1:";
    out_->wait_for_line(marker, Clock::now() + 10s);
    auto text = out_->text();
    auto at = text.find(marker);
    if (at == std::string::npos) {
      auto err = err_->text();
      stop(2s);
      throw std::runtime_error("chorusd did not start; stdout:\n" + text + "\nstderr:\n" + err);
    }
    port_ = static_cast<std::uint16_t>(std::stoul(text.substr(at + marker.size())));
  }
  ~Chorusd() {
    if (pid_ <= 0) return;
    auto clean = stop(15s);
    EXPECT_TRUE(clean) << "chorusd did not exit cleanly after SIGTERM (" << how_ << ")\nstderr:\n"
                       << err_->text();
  }
  Chorusd(const Chorusd&) = delete;
  Chorusd& operator=(const Chorusd&) = delete;

  std::uint16_t port() const { return port_; }
  std::string err() const { return err_->text(); }
  // Whether the process is still running (not exited, not crashed).
  bool alive() {
    if (pid_ <= 0 || reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    reaped_ = true;
    status_ = status;
    return false;
  }

  // SIGTERM, then a bounded wait; SIGKILL when it takes longer than `grace`.
  bool stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return clean_;
    int status = status_;
    if (!reaped_) ::kill(pid_, SIGTERM);
    auto deadline = Clock::now() + grace;
    while (!reaped_) {
      auto r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (Clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        how_ = "killed after a timeout";
        pid_ = -1;
        out_->join();
        err_->join();
        return clean_ = false;
      }
      std::this_thread::sleep_for(5ms);
    }
    pid_ = -1;
    out_->join();
    err_->join();
    if (WIFEXITED(status)) {
      how_ = "exited with " + std::to_string(WEXITSTATUS(status));
      clean_ = WEXITSTATUS(status) == 0;
    } else {
      how_ = "killed by signal " + std::to_string(WTERMSIG(status));
      clean_ = false;
    }
    return clean_;
  }

 private:
  void start(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    auto parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      if (::getppid() != parent) ::_exit(127);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = std::make_unique<PipeDrain>(out[0]);
    err_ = std::make_unique<PipeDrain>(err[0]);
  }

  chorus::test::ScratchDir data_;
  pid_t pid_ = -1;
  std::unique_ptr<PipeDrain> out_;
  std::unique_ptr<PipeDrain> err_;
  std::uint16_t port_ = 0;
  bool clean_ = false;
  bool reaped_ = false;
  int status_ = 0;
  std::string how_;
};

}  // namespace chorus::wstest
