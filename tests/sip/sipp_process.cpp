#include "sipp_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/free_port.hpp"

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
  std::string text = "sipp " + status.to_string();
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
  port_ = free_port(SOCK_DGRAM, htonl(INADDR_LOOPBACK));
  control_port_ = free_port(SOCK_DGRAM, htonl(INADDR_ANY));  // sipp binds its -cp on every address
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
    if (!process_->running()) {
      record(*process_->wait(0ms));
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
  auto screen = dir_ / "screen.txt";
  auto errors = dir_ / "stderr.txt";
  int out = ::open(screen.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = ::open(errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out >= 0 && err >= 0) {
    // In its scratch directory: sipp's error file, screen and logs land there.
    process_ = std::make_unique<ChildProcess>(
        ChildProcess::Launch{args, dir_.path(), {{STDOUT_FILENO, out}, {STDERR_FILENO, err}}});
  }
  if (out >= 0) ::close(out);
  if (err >= 0) ::close(err);
  if (!process_) throw std::runtime_error("cannot open sipp's output files");
}

bool SippProcess::listening() const {
  auto inode = udp_socket_inode(port_);
  return inode && holds_socket(process_->pid(), *inode);
}

void SippProcess::record(const ExitStatus& status) {
  SippOutcome outcome;
  outcome.status = status;
  outcome.errors = read_file(dir_ / "errors.log");
  outcome.stderr_text = read_file(dir_ / "stderr.txt");
  outcome_ = std::move(outcome);
  process_.reset();
}

const SippOutcome& SippProcess::wait(std::chrono::milliseconds timeout) {
  if (!process_) return *outcome_;
  if (auto status = process_->wait(timeout)) {
    record(*status);
  } else {
    kill_now();
    outcome_->status.timed_out = true;
  }
  return *outcome_;
}

void SippProcess::kill_now() {
  if (process_) record(process_->kill());
}

}  // namespace chorus::test
