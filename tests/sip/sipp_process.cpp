#include "sipp_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef SIPP_PATH
#error "SIPP_PATH must name the sipp executable"
#endif
#ifndef CHORUS_SIP_SCENARIOS
#error "CHORUS_SIP_SCENARIOS must name tests/sip/scenarios"
#endif

namespace chorus::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int launch_attempts = 5;
constexpr auto listen_deadline = 10s;

// A port nobody holds right now: bind port 0, read it back, let it go. Someone may
// take it before sipp binds it; the caller then retries with another.
std::uint16_t free_udp_port(in_addr_t host) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = host;
  socklen_t length = sizeof address;
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
               ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("no free UDP port");
  return ntohs(address.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The inode of the UDP socket bound to 127.0.0.1:port, from /proc/net/udp
// ("sl local_address rem_address st queues tr retrnsmt uid timeout inode ...").
std::optional<unsigned long> udp_socket_inode(std::uint16_t port) {
  std::ifstream table("/proc/net/udp");
  std::string line;
  std::getline(table, line);  // the header
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    unsigned long inode = 0;
    if (fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode &&
        local == wanted) {
      return inode;
    }
  }
  return std::nullopt;
}

// Whether process `pid` holds the socket with this inode among its descriptors.
bool holds_socket(pid_t pid, unsigned long inode) {
  auto wanted = "socket:[" + std::to_string(inode) + "]";
  auto dir = "/proc/" + std::to_string(pid) + "/fd/";
  for (int fd = 0; fd < 64; ++fd) {
    char target[64];
    auto n = ::readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<std::size_t>(n)) == wanted) return true;
  }
  return false;
}

}  // namespace

std::string SippOutcome::describe() const {
  std::string text = exited   ? "sipp exited with " + std::to_string(code)
                     : signal ? "sipp killed by signal " + std::to_string(signal)
                              : "sipp not ended";
  if (timed_out) text += " (it did not exit in time)";
  if (!errors.empty()) text += "\nerror file:\n" + errors;
  if (!stderr_text.empty()) text += "\nstderr:\n" + stderr_text;
  return text;
}

SippProcess::SippProcess(SippOptions options) : options_(std::move(options)) {
  for (int attempt = 0; attempt < launch_attempts; ++attempt) {
    if (launch()) return;
  }
  throw std::runtime_error("sipp (" + options_.scenario + ") did not start: " +
                           (outcome_ ? outcome_->describe() : std::string("no outcome")));
}

SippProcess::~SippProcess() {
  kill_now();
}

std::unique_ptr<SippProcess> SippProcess::uas(std::string scenario, int calls,
                                              std::chrono::milliseconds pause) {
  SippOptions options;
  options.scenario = std::move(scenario);
  options.calls = calls;
  options.pause = pause;
  return std::make_unique<SippProcess>(std::move(options));
}

std::unique_ptr<SippProcess> SippProcess::uac(std::string scenario, std::string remote, int calls) {
  SippOptions options;
  options.scenario = std::move(scenario);
  options.calls = calls;
  options.remote = std::move(remote);
  return std::make_unique<SippProcess>(std::move(options));
}

std::string SippProcess::target(std::string_view user) const {
  return std::string(user) + "@127.0.0.1:" + std::to_string(port_);
}

bool SippProcess::launch() {
  outcome_.reset();
  port_ = free_udp_port(htonl(INADDR_LOOPBACK));
  control_port_ = free_udp_port(htonl(INADDR_ANY));  // sipp binds its -cp on every address
  std::vector<std::string> args{SIPP_PATH};
  if (!options_.remote.empty()) args.push_back(options_.remote);
  args.insert(args.end(), {"-sf", std::string(CHORUS_SIP_SCENARIOS) + "/" + options_.scenario, "-i",
                           "127.0.0.1", "-p", std::to_string(port_), "-cp",
                           std::to_string(control_port_), "-m", std::to_string(options_.calls),
                           "-nostdin", "-timeout", std::to_string(options_.timeout.count()) + "s",
                           "-timeout_error", "-trace_err", "-error_file", dir_ / "errors.log",
                           // sipp's 64 KiB socket buffers drop datagrams when a hundred
                           // calls arrive at once; the kernel caps this at rmem_max.
                           "-buff_size", "4194304"});
  if (options_.pause.count() > 0) {
    args.insert(args.end(), {"-d", std::to_string(options_.pause.count())});
  }
  // CHORUS_SIPP_TRACE=<dir> keeps every message each sipp saw there, to read after
  // a failure (the scratch directory goes with the process).
  if (const char* trace = std::getenv("CHORUS_SIPP_TRACE"); trace && *trace) {
    args.insert(args.end(), {"-trace_msg", "-message_file",
                             std::string(trace) + "/" + options_.scenario + "-" +
                                 std::to_string(port_) + ".log"});
  }
  args.insert(args.end(), options_.extra.begin(), options_.extra.end());
  spawn(args);

  // Bound when /proc shows its SIP socket; a UAC may even be done by then.
  auto deadline = Clock::now() + listen_deadline;
  while (Clock::now() < deadline) {
    int wait_status = 0;
    if (::waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      reap(wait_status);
      // Only a port taken between our probe and sipp's bind is worth another go.
      return outcome_->stderr_text.find("Unable to bind") == std::string::npos;
    }
    if (listening()) return true;
    std::this_thread::sleep_for(1ms);
  }
  kill_now();
  throw std::runtime_error("sipp (" + options_.scenario + ") did not bind 127.0.0.1:" +
                           std::to_string(port_) + " within 10 s: " + outcome_->describe());
}

void SippProcess::spawn(const std::vector<std::string>& args) {
  // Everything the child needs is made before fork: a threaded parent's child may
  // only make async-signal-safe calls until exec.
  std::vector<std::string> owned = args;
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto screen = dir_ / "screen.txt";
  auto errors = dir_ / "stderr.txt";
  int out = ::open(screen.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = ::open(errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || err < 0 || null < 0) throw std::runtime_error("cannot open sipp's output files");
  const char* dir = dir_.path().c_str();
  auto parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    if (::getppid() != parent) ::_exit(127);
    if (::chdir(dir) != 0) ::_exit(126);
    ::dup2(null, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::close_range(3, ~0U, 0);  // the engine's sockets stay with the engine
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  ::close(null);
}

bool SippProcess::listening() const {
  auto inode = udp_socket_inode(port_);
  return inode && holds_socket(pid_, *inode);
}

void SippProcess::reap(int wait_status) {
  SippOutcome outcome;
  if (WIFEXITED(wait_status)) {
    outcome.exited = true;
    outcome.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    outcome.signal = WTERMSIG(wait_status);
  }
  outcome.errors = read_file(dir_ / "errors.log");
  outcome.stderr_text = read_file(dir_ / "stderr.txt");
  outcome_ = std::move(outcome);
  pid_ = -1;
}

const SippOutcome& SippProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return *outcome_;
  // A pidfd turns readable when the process exits: no polling. (Debian 12's
  // <sys/pidfd.h> lacks extern "C", hence the raw system call.)
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd ready{pidfd, POLLIN, 0};
    auto deadline = Clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      auto r = ::poll(&ready, 1, static_cast<int>(left.count()));
      if (r > 0 || (r < 0 && errno != EINTR)) break;
    }
    ::close(pidfd);
  }
  int wait_status = 0;
  if (::waitpid(pid_, &wait_status, WNOHANG) == pid_) {
    reap(wait_status);
  } else {
    kill_now();
    outcome_->timed_out = true;
  }
  return *outcome_;
}

void SippProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int wait_status = 0;
  while (::waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  reap(wait_status);
}

}  // namespace chorus::test
