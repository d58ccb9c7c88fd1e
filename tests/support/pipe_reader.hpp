#pragma once
// Text a pipe delivers (a child's stdout or stderr), collected by a thread of its
// own until the writer closes it, so the writer never blocks on a full pipe; a
// test waits on what has arrived by an event, not by polling.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace chorus::test {

class PipeReader {
 public:
  explicit PipeReader(int fd);  // takes the read end
  ~PipeReader();                // waits for the writer to close it
  PipeReader(const PipeReader&) = delete;
  PipeReader& operator=(const PipeReader&) = delete;

  std::string text() const;
  // Waits until `done(text, closed)` holds or the deadline passes; whether it held.
  bool wait_for(std::chrono::steady_clock::time_point deadline,
                const std::function<bool(const std::string& text, bool closed)>& done) const;
  // Waits until `needle` has arrived with the end of its line (or the pipe closed).
  bool wait_for_line(const std::string& needle,
                     std::chrono::steady_clock::time_point deadline) const;
  // Waits for the writer to close it.
  void join();

 private:
  void run();

  int fd_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string text_;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace chorus::test
