#pragma once
// Runs sipp (SIPp 3.6) as a child process on loopback: a UAS playing one
// destination's behaviour from a scenario in tests/sip/scenarios/, or a UAC
// calling the driver. Each process gets a scratch directory of its own (its
// working directory: sipp's error file, screen and logs land there), a free SIP
// port and a free control port (-cp), and is killed when the object goes.
//
// A UAS is returned once its SIP socket is bound, so a test can dial it at once.
// wait() then waits for sipp to exit by itself after its -m calls: exit status 0
// means every call followed the scenario; otherwise the outcome carries sipp's
// error file to say what broke.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/scratch_dir.hpp"
#include "tests/support/child_process.hpp"

namespace chorus::test {

struct SippOptions {
  std::string scenario;  // a file name in tests/sip/scenarios/, e.g. "uas_busy.xml"
  int calls = 1;         // -m: sipp exits once this many calls are done
  // -d: the length of the scenario's <pause/> (0: sipp's default is not used, the
  // flag is left out).
  std::chrono::milliseconds pause{0};
  std::string remote;                // a UAC: where it calls ("127.0.0.1:5062"); empty for a UAS
  std::chrono::seconds timeout{30};  // -timeout, with -timeout_error
  std::vector<std::string> extra;    // more flags, appended last
};

// How sipp ended, and what it said about it.
struct SippOutcome {
  ExitStatus status;   // timed_out: it did not exit by itself in time and was killed
  std::string errors;  // its -error_file
  std::string stderr_text;

  // Every call followed the scenario.
  bool ok() const { return status.clean(); }
  std::string describe() const;
};

class SippProcess {
 public:
  // Starts sipp and, for a UAS, returns once it listens; throws std::runtime_error
  // when it does not come up (after a few fresh ports, in case one was taken).
  explicit SippProcess(SippOptions options);
  ~SippProcess();  // SIGKILL if still running
  SippProcess(const SippProcess&) = delete;
  SippProcess& operator=(const SippProcess&) = delete;

  static std::unique_ptr<SippProcess> uas(std::string scenario, int calls = 1,
                                          std::chrono::milliseconds pause = {});
  static std::unique_ptr<SippProcess> uac(std::string scenario, std::string remote, int calls = 1);

  std::uint16_t port() const { return port_; }
  // The destination target that reaches it: "<user>@127.0.0.1:<port>".
  std::string target(std::string_view user = "sipp") const;
  const SippOptions& options() const { return options_; }

  // Waits up to `timeout` for sipp to exit by itself (then kills it and marks the
  // outcome timed_out). Later calls return the same outcome.
  const SippOutcome& wait(std::chrono::milliseconds timeout = std::chrono::seconds(40));

 private:
  bool launch();  // false: sipp exited before it listened (a port was taken)
  void spawn(const std::vector<std::string>& args);
  bool listening() const;
  void record(const ExitStatus& status);  // how it ended, and what it wrote
  void kill_now();

  SippOptions options_;
  ScratchDir dir_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
  std::uint16_t control_port_ = 0;
  std::optional<SippOutcome> outcome_;
};

}  // namespace chorus::test
