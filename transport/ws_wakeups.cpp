#include "transport/ws_wakeups.hpp"

#include <boost/asio/post.hpp>

#include "transport/ws_feed.hpp"

namespace chorus {

WsWakeups::ReadyList::ReadyList(boost::asio::io_context& io)
    : strand(boost::asio::make_strand(io)), timer(strand) {}

WsWakeups::WsWakeups(boost::asio::io_context& io, std::size_t lists,
                     std::chrono::microseconds window)
    : window_(window) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, lists); ++i) {
    lists_.push_back(std::make_unique<ReadyList>(io));
  }
}

boost::asio::any_io_executor WsWakeups::executor(std::size_t list) const {
  return lists_[list]->strand;
}

std::size_t WsWakeups::assign() noexcept {
  return next_.fetch_add(1, std::memory_order_relaxed) % lists_.size();
}

void WsWakeups::wake(std::size_t list, std::shared_ptr<WsFeed> feed) {
  auto& l = *lists_[list];
  bool post = false;
  {
    std::lock_guard<std::mutex> guard(l.mutex);
    l.ready.push_back(std::move(feed));
    post = !std::exchange(l.posted, true);
  }
  if (post) {
    auto due = std::chrono::steady_clock::now() + window_;
    boost::asio::post(l.strand,
                      [self = shared_from_this(), list, due] { self->start_round(list, due); });
  }
}

void WsWakeups::drop_pending() {
  for (auto& l : lists_) {
    std::vector<std::shared_ptr<WsFeed>> dropped;  // released outside the lock
    std::lock_guard<std::mutex> guard(l->mutex);
    dropped.swap(l->ready);
  }
}

// On the list's strand: the round runs when the window closes (the timer is
// touched by one round at a time, as only the round's first feed posts). A strand
// busy with the previous round has made the news wait already: the window counts
// from the first wake-up, not from here, or a burst that arrived during a round
// would wait a whole window more.
void WsWakeups::start_round(std::size_t list, std::chrono::steady_clock::time_point due) {
  if (due <= std::chrono::steady_clock::now()) return run(list);
  auto& timer = lists_[list]->timer;
  timer.expires_at(due);
  timer.async_wait([self = shared_from_this(), list](boost::system::error_code ec) {
    if (!ec) self->run(list);
  });
}

void WsWakeups::run(std::size_t list) {
  std::vector<std::shared_ptr<WsFeed>> round;
  {
    auto& l = *lists_[list];
    std::lock_guard<std::mutex> guard(l.mutex);
    round.swap(l.ready);
    l.posted = false;
  }
  // On the strand every feed and session of this list runs on.
  for (auto& feed : round) feed->on_round();
}

}  // namespace chorus
