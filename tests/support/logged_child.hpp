#pragma once
// A child process whose stdout and stderr go down one pipe into one PipeReader:
// its log, in the order it wrote it. The reader sees the pipe's end when the last
// process holding its write end (the child, and any children it forks, which
// inherit it) has ended, so the end of the log is the end of them all.

#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/pipe_reader.hpp"

namespace chorus::test {

struct LoggedChild {
  // Declared first, destroyed last: the process is killed before the log is
  // read to its end.
  std::unique_ptr<PipeReader> log;
  std::unique_ptr<ChildProcess> process;
};

// Launches argv[0] in `directory` (empty: ours) as `user` (see ChildProcess);
// throws std::runtime_error when it cannot.
LoggedChild launch_logged(std::vector<std::string> argv, const std::string& directory = "",
                          const std::string& user = "");

}  // namespace chorus::test
