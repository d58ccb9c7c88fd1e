#pragma once
// A program run as a child process of a test: fork/exec with the descriptors the
// test hands it (everything else closed), never outliving the test (it dies with
// its parent), and waited for by an event (a pidfd turns readable when it exits),
// never by sleeping. chorusd, sipp, headless chromium and PostgreSQL all start
// through it.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace chorus::test {

// How a process ended.
struct ExitStatus {
  bool exited = false;  // by exit(); `code` is its status
  int code = -1;
  bool signaled = false;  // by a signal; `signal` is which
  int signal = 0;
  bool timed_out = false;  // it had to be killed

  static ExitStatus of(int wait_status);
  bool clean() const { return exited && code == 0 && !timed_out; }
  std::string to_string() const;
};

class ChildProcess {
 public:
  struct Launch {
    std::vector<std::string> argv;  // argv[0] is the executable's path
    std::string directory;          // its working directory; empty: ours
    // Which of our descriptors each of its descriptors is ({its fd, our fd}); its
    // stdin is /dev/null unless given, and nothing else of ours reaches it.
    std::vector<std::pair<int, int>> descriptors;
  };

  // Forks and execs; throws std::runtime_error when it cannot fork. A program that
  // cannot be executed exits 127.
  //
  // `user`: the system user it runs as when we are root (PostgreSQL refuses to run
  // as root); empty, or when we are not root, it runs as we do. Unknown, a throw;
  // one it cannot become, exit 125. (Not in Launch: its users brace-initialise it,
  // and -Wextra would warn at each of them about a member they leave out.)
  explicit ChildProcess(const Launch& launch, const std::string& user = "");
  ~ChildProcess();  // SIGKILL, and reaped, when still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Whether it has not ended yet (reaps it when it has).
  bool running();
  void signal(int sig) const;

  // Waits up to `timeout` for it to end by itself; nullopt if it has not. Once it
  // has ended, every call returns how.
  std::optional<ExitStatus> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then waits; SIGKILL (and timed_out) after `grace`.
  ExitStatus stop(std::chrono::milliseconds grace);
  // SIGKILL now (timed_out stays false: the test chose to end it).
  ExitStatus kill();

 private:
  bool reap(int options);  // waitpid; true once ended

  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

}  // namespace chorus::test
