#include "tests/support/pipe_reader.hpp"

#include <unistd.h>

#include <cerrno>

namespace chorus::test {

PipeReader::PipeReader(int fd) : fd_(fd), thread_([this] { run(); }) {}

PipeReader::~PipeReader() {
  join();
  ::close(fd_);
}

std::string PipeReader::text() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return text_;
}

bool PipeReader::wait_for(
    std::chrono::steady_clock::time_point deadline,
    const std::function<bool(const std::string& text, bool closed)>& done) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] { return done(text_, closed_); });
}

bool PipeReader::wait_for_line(const std::string& needle,
                               std::chrono::steady_clock::time_point deadline) const {
  return wait_for(deadline, [&](const std::string& text, bool closed) {
    auto at = text.find(needle);
    return closed || (at != std::string::npos && text.find('\n', at) != std::string::npos);
  });
}

void PipeReader::join() {
  if (thread_.joinable()) thread_.join();
}

void PipeReader::run() {
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

}  // namespace chorus::test
