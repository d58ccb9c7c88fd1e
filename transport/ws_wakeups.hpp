#pragma once
// Wakes WebSocket sessions that have new events, in rounds.
//
// The event bus runs on engine threads. If each session woke itself (a post to its
// own strand), an event for 1,000 subscribers would cost its publisher 1,000
// cross-thread wake-ups, about 40 µs each on this kind of VM: the engine thread,
// and every later event, would wait tens of milliseconds. Instead a session with
// news joins a ready list, and only the first to join a round posts to the I/O
// threads; that one handler then wakes the whole round from inside the I/O thread,
// where posting costs no system call. A round starts a batch window after its
// first session joined, so that a burst of events leaves in one write per
// connection. Sessions are spread over one list per I/O thread so that a round's
// writes use every thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace chorus {

class WsSession;

class WsWakeups : public std::enable_shared_from_this<WsWakeups> {
 public:
  WsWakeups(boost::asio::io_context& io, std::size_t lists, std::chrono::microseconds window);

  // A list for a new session (round-robin).
  std::size_t assign() noexcept;
  // From any thread: `session` has news; it is flushed in the next round.
  void wake(std::size_t list, std::shared_ptr<WsSession> session);
  // Forgets the sessions waiting for a round that will never run (the I/O threads
  // have stopped): a waiting session holds these wakeups, which hold it back.
  void drop_pending();

 private:
  struct ReadyList {
    std::mutex mutex;
    std::vector<std::shared_ptr<WsSession>> ready;
    bool posted = false;
    std::unique_ptr<boost::asio::steady_timer> timer;  // I/O threads only, one round at a time
  };
  void start_round(std::size_t list);
  void run(std::size_t list);

  boost::asio::io_context& io_;
  std::chrono::microseconds window_;
  std::vector<std::unique_ptr<ReadyList>> lists_;
  std::atomic<std::size_t> next_{0};  // assign() runs on many connections' strands
};

}  // namespace chorus
