#include "tests/support/logged_child.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>

namespace chorus::test {

LoggedChild launch_logged(std::vector<std::string> argv, const std::string& directory,
                          const std::string& user) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  LoggedChild child;
  child.log = std::make_unique<PipeReader>(ends[0]);
  ChildProcess::Launch launch{
      std::move(argv), directory, {{STDOUT_FILENO, ends[1]}, {STDERR_FILENO, ends[1]}}};
  try {
    child.process = std::make_unique<ChildProcess>(launch, user);
  } catch (...) {
    ::close(ends[1]);  // the reader sees the end, so child.log can be destroyed
    throw;
  }
  // The child has its copy: ours closed, or the pipe would never end.
  ::close(ends[1]);
  return child;
}

}  // namespace chorus::test
