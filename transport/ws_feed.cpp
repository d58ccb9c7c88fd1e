#include "transport/ws_feed.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

#include "transport/ws_session.hpp"
#include "transport/ws_wakeups.hpp"

namespace chorus {

namespace {
// Sessions offered between two looks at the inbox in a round.
constexpr std::size_t top_up_every = 16;
}  // namespace

// The bus's handle on a feed: it must not keep the feed alive, and may be called
// after the feed is gone.
class WsFeed::Sink final : public EventSink {
 public:
  explicit Sink(std::weak_ptr<WsFeed> feed) : feed_(std::move(feed)) {}
  void deliver(const EventPtr& event) override {
    if (auto feed = feed_.lock()) feed->deliver(event);
  }
  void lost(std::uint64_t count) override {
    if (auto feed = feed_.lock()) feed->lose(count);
  }

 private:
  std::weak_ptr<WsFeed> feed_;
};

WsFeed::WsFeed(Engine& engine, const Uuid& customer_id, std::shared_ptr<WsWakeups> wakeups,
               std::size_t list, std::size_t inbox_limit, std::shared_ptr<WsMetrics> metrics,
               RemoteEvents* remote)
    : engine_(engine),
      customer_id_(customer_id),
      wakeups_(std::move(wakeups)),
      list_(list),
      inbox_limit_(std::max<std::size_t>(1, inbox_limit)),
      metrics_(std::move(metrics)),
      whole_customer_{Topic::parse("customer_id:" + customer_id.to_string()).value()},
      remote_(remote) {}

WsFeed::~WsFeed() {
  // The last owner may be an engine thread publishing an event (its Sink had just
  // locked this feed), which holds the bus's lock: cancelling the subscription
  // right here would deadlock. The list's strand cancels it instead.
  // The remote source likewise: it may be delivering to this feed's sink now.
  auto unwatch = remote_ != nullptr && holders_ > 0;
  boost::asio::post(
      wakeups_->executor(list_),
      [subscription = std::make_shared<Subscription>(std::move(subscription_)),
       remote = unwatch ? remote_ : nullptr, customer = customer_id_, sink = std::move(sink_)] {
        subscription->cancel();
        if (remote) remote->unwatch(customer, sink.get());
      });
}

void WsFeed::open() {
  sink_ = std::make_shared<Sink>(weak_from_this());
  subscription_ = engine_.open_subscription(sink_);
}

void WsFeed::attach(std::weak_ptr<WsSession> session) {
  sessions_.push_back(std::move(session));
}

void WsFeed::detach(bool held_topics) {
  // Found and removed in bulk (prune()): when 10,000 connections drop at once,
  // each one searching the list would make the drop quadratic.
  ++ended_;
  if (!in_round_ && 2 * ended_ > sessions_.size()) prune();
  if (held_topics) topics_held(false);
}

void WsFeed::topics_held(bool held) {
  // The whole customer: each session picks out its own topics in offer().
  if (held && holders_++ == 0) {
    subscription_.add_topics(whole_customer_);
    if (remote_) remote_->watch(customer_id_, sink_);
  } else if (!held && holders_ > 0 && --holders_ == 0) {
    subscription_.remove_topics(whole_customer_);
    if (remote_) remote_->unwatch(customer_id_, sink_.get());
    // What came in before the last topic went is for nobody now.
    if (!in_round_) {
      round_first_ += round_.size();
      round_.clear();
    }
    std::lock_guard<std::mutex> guard(mutex_);
    inbox_.clear();
    lost_ = 0;
  }
}

void WsFeed::prune() {
  sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                 [](const std::weak_ptr<WsSession>& s) {
                                   auto session = s.lock();
                                   return !session || session->ended();
                                 }),
                  sessions_.end());
  ended_ = 0;
}

std::string& WsFeed::write_buffer() {
  return wakeups_->write_buffer(list_);
}

void WsFeed::deliver(const EventPtr& event) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (inbox_.size() >= inbox_limit_) {
      // The round is far behind: the oldest goes, as a full connection's would.
      inbox_.pop_front();
      ++lost_;
    }
    inbox_.push_back(event);
    wake = !std::exchange(woken_, true);
  }
  if (wake) wakeups_->wake(list_, shared_from_this());
}

void WsFeed::lose(std::uint64_t count) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    lost_ += count;
    wake = !std::exchange(woken_, true);
  }
  if (wake) wakeups_->wake(list_, shared_from_this());
}

void WsFeed::on_round() {
  std::uint64_t lost = 0;
  std::size_t came_in = 0;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    came_in = take_inbox();
    lost = std::exchange(lost_, 0);
    woken_ = false;
  }
  if (round_.empty() && lost == 0) return;
  metrics_->events_received.fetch_add(came_in + lost, std::memory_order_relaxed);
  // Every session is offered this much this round; what tops it up on the way
  // reaches only the sessions after that point, and the rest next round.
  const std::size_t whole = round_.size();
  // offer() may end a session, and so detach it: sessions_ keeps its indices until
  // the round is over.
  in_round_ = true;
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    if (i % top_up_every == top_up_every - 1) top_up();
    if (auto session = sessions_[i].lock()) session->offer(round_, round_first_, lost);
  }
  in_round_ = false;
  if (2 * ended_ > sessions_.size()) prune();
  round_.erase(round_.begin(), round_.begin() + whole);
  round_first_ += whole;
}

void WsFeed::top_up() {
  std::lock_guard<std::mutex> guard(mutex_);
  // What was lost is counted at the start of a round, before what followed it.
  if (inbox_.empty() || lost_ > 0) return;
  auto came_in = take_inbox();
  metrics_->events_received.fetch_add(came_in, std::memory_order_relaxed);
  metrics_->events_joined_round.fetch_add(came_in, std::memory_order_relaxed);
}

std::size_t WsFeed::take_inbox() {
  auto count = inbox_.size();
  round_.insert(round_.end(), std::make_move_iterator(inbox_.begin()),
                std::make_move_iterator(inbox_.end()));
  inbox_.clear();
  return count;
}

}  // namespace chorus
