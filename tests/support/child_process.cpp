#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <thread>

namespace chorus::test {
namespace {

using Clock = std::chrono::steady_clock;

// The ids a child switches to, looked up before fork: the look-ups read files and
// allocate, which a threaded parent's child may not do before exec (hence no
// initgroups there: its groups are listed here, and set there by setgroups).
struct Credentials {
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // the user's supplementary groups
};

Credentials credentials_of(const std::string& user) {
  Credentials credentials;
  if (user.empty() || ::geteuid() != 0) return credentials;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    throw std::runtime_error("no system user named " + user);
  }
  credentials.change = true;
  credentials.uid = found->pw_uid;
  credentials.gid = found->pw_gid;
  int count = 16;
  credentials.groups.resize(count);
  // On -1 it has set `count` to how many there are.
  while (::getgrouplist(user.c_str(), credentials.gid, credentials.groups.data(), &count) < 0) {
    credentials.groups.resize(count);
  }
  credentials.groups.resize(count);
  return credentials;
}

// In the child, before exec: only async-signal-safe calls.
[[noreturn]] void become(char* const* argv, const char* directory,
                         const std::vector<std::pair<int, int>>& descriptors, int dev_null,
                         pid_t parent, const Credentials& credentials) {
  // Groups before the user: once it is not root it may change neither.
  if (credentials.change &&
      (::setgroups(credentials.groups.size(), credentials.groups.data()) != 0 ||
       ::setgid(credentials.gid) != 0 || ::setuid(credentials.uid) != 0)) {
    ::_exit(125);
  }
  // Never outlive a crashed test. After the credentials: changing them clears it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  if (directory && ::chdir(directory) != 0) ::_exit(126);
  int highest = STDERR_FILENO;
  std::size_t count = descriptors.size() < 16 ? descriptors.size() : 16;
  for (std::size_t i = 0; i < count; ++i) {
    if (descriptors[i].first > highest) highest = descriptors[i].first;
  }
  // Each of ours is parked above every number it is placed at first, so that
  // placing one never overwrites another that is still to be placed.
  int parked[16];
  for (std::size_t i = 0; i < count; ++i) {
    parked[i] = ::fcntl(descriptors[i].second, F_DUPFD, highest + 1);
  }
  ::dup2(dev_null, STDIN_FILENO);
  for (std::size_t i = 0; i < count; ++i) {
    ::dup2(parked[i], descriptors[i].first);  // dup2 clears FD_CLOEXEC
  }
  ::close_range(static_cast<unsigned>(highest) + 1, ~0U, 0);
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

ExitStatus ExitStatus::of(int wait_status) {
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

std::string ExitStatus::to_string() const {
  std::string text = exited     ? "exited with " + std::to_string(code)
                     : signaled ? "killed by signal " + std::to_string(signal)
                                : "not ended";
  if (timed_out) text += " (after a timeout)";
  return text;
}

ChildProcess::ChildProcess(const Launch& launch, const std::string& user) {
  if (launch.argv.empty() || launch.descriptors.size() > 16) {
    throw std::invalid_argument("a child process needs a program and at most 16 descriptors");
  }
  // Everything the child needs is made before fork: a threaded parent's child may
  // only make async-signal-safe calls until exec.
  std::vector<std::string> owned = launch.argv;
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  const char* directory = launch.directory.empty() ? nullptr : launch.directory.c_str();
  auto credentials = credentials_of(user);
  int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) throw std::runtime_error("cannot open /dev/null");
  auto parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    become(argv.data(), directory, launch.descriptors, dev_null, parent, credentials);
  }
  ::close(dev_null);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

ChildProcess::~ChildProcess() {
  kill();
}

bool ChildProcess::reap(int options) {
  if (pid_ <= 0) return true;
  int wait_status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &wait_status, options);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  status_ = ExitStatus::of(wait_status);
  pid_ = -1;
  return true;
}

bool ChildProcess::running() {
  return !reap(WNOHANG);
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<ExitStatus> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (reap(WNOHANG)) return status_;
  auto deadline = Clock::now() + timeout;
  // A pidfd turns readable when the process ends. (Debian 12's <sys/pidfd.h> lacks
  // extern "C", hence the raw system call.)
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (pidfd >= 0 && left.count() > 0) {
      pollfd ready{pidfd, POLLIN, 0};
      ::poll(&ready, 1, static_cast<int>(left.count()));
    } else if (left.count() > 0) {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(5)));  // no pidfd
    }
    if (reap(WNOHANG) || Clock::now() >= deadline) break;
  }
  if (pidfd >= 0) ::close(pidfd);
  return pid_ <= 0 ? status_ : std::nullopt;
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return status_.value_or(ExitStatus{});
  signal(SIGTERM);
  if (auto s = wait(grace)) return *s;
  auto killed = kill();
  killed.timed_out = true;
  if (status_) status_->timed_out = true;
  return killed;
}

ExitStatus ChildProcess::kill() {
  if (pid_ > 0) {
    signal(SIGKILL);
    reap(0);
  }
  return status_.value_or(ExitStatus{});
}

}  // namespace chorus::test
