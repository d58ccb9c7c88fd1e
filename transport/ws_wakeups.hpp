#pragma once
// Wakes the WebSocket feeds (ws_feed.hpp) that have new events, in rounds.
//
// The event bus runs on engine threads. A cross-thread wake-up costs about 40 µs
// on this kind of VM, so a feed with news joins a ready list, and only the first
// to join a round posts to the I/O threads. A round starts a batch window after
// its first feed joined, so that a burst of events leaves in one write per
// connection. Sessions are spread over one list per I/O thread so that a round's
// writes use every thread.
//
// Each list has one strand, and its feeds and sessions run on it (the sockets and
// timers use it as their executor): the round then writes to every session with
// news in turn, directly, rather than posting to 1,000 strands of their own, each
// post a lock and often a wake-up of another I/O thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace chorus {

class WsFeed;

class WsWakeups : public std::enable_shared_from_this<WsWakeups> {
 public:
  WsWakeups(boost::asio::io_context& io, std::size_t lists, std::chrono::microseconds window);

  // A list for a new session (round-robin).
  std::size_t assign() noexcept;
  // The strand a list's feeds and sessions run on.
  boost::asio::any_io_executor executor(std::size_t list) const;
  // From any thread: `feed` has news; its sessions are offered it in the next round.
  void wake(std::size_t list, std::shared_ptr<WsFeed> feed);
  // The list's write buffer, on its strand only: each session frames its next
  // write here, in turn, and keeps only what the socket did not take.
  std::string& write_buffer(std::size_t list) { return lists_[list]->write_buffer; }
  // Forgets the feeds waiting for a round that will never run (the I/O threads
  // have stopped): a waiting feed holds these wakeups, which hold it back.
  void drop_pending();

 private:
  struct ReadyList {
    explicit ReadyList(boost::asio::io_context& io);
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    std::mutex mutex;
    std::vector<std::shared_ptr<WsFeed>> ready;
    bool posted = false;
    boost::asio::steady_timer timer;  // on the strand, one round at a time
    std::string write_buffer;
  };
  void start_round(std::size_t list, std::chrono::steady_clock::time_point due);
  void run(std::size_t list);

  std::chrono::microseconds window_;
  std::vector<std::unique_ptr<ReadyList>> lists_;
  std::atomic<std::size_t> next_{0};  // assign() runs on many connections' strands
};

}  // namespace chorus
