#include "transport/cluster/event_relay.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "transport/cluster/event_subject.hpp"

namespace chorus {

// How long a round waits for NATS to take it; while disconnected it does not.
constexpr std::int64_t round_flush_timeout_ms = 250;

EventRelay::EventRelay(std::shared_ptr<NatsLink> link, std::size_t max_queued)
    : link_(std::move(link)), max_queued_(max_queued), thread_([this] { run(); }) {}

EventRelay::~EventRelay() {
  stop();
}

void EventRelay::stop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EventRelay::deliver(const EventPtr& event) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_) return;
    if (queue_.size() >= max_queued_) {
      if (dropped_.fetch_add(1, std::memory_order_relaxed) == 0) {
        spdlog::warn("cluster: the event relay's queue is full ({} events); dropping", max_queued_);
      }
      return;
    }
    queue_.push_back(event);
    // Only a sleeping thread needs the wake-up (a futex call); a busy one takes
    // this event with the rest when it is done.
    wake = std::exchange(waiting_, false);
  }
  if (wake) wake_.notify_one();
}

void EventRelay::run() {
  std::vector<EventPtr> round;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (queue_.empty() && !stopping_) {
        waiting_ = true;
        wake_.wait(lock);
      }
      waiting_ = false;
      if (queue_.empty()) return;  // stopping, and everything is published
      round.swap(queue_);
    }
    for (const EventPtr& event : round) {
      // {"type":...,"data":{...}}: what a WebSocket subscriber receives, so a node
      // that relays it to its own subscribers sends the same bytes.
      link_->publish(event_subject(*event), event->to_json());
    }
    round.clear();  // the events go here, not under the lock
    // Out now, not when libnats' flusher thread has waited a millisecond for more:
    // the round is the batch. The flush's PONG also paces the relay to NATS.
    if (link_->connected()) link_->flush(round_flush_timeout_ms);
  }
}

}  // namespace chorus
