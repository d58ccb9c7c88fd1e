#pragma once
// What a node tells the others: every event its engine publishes (after the state
// it carries is committed), on its subject (event_subject.hpp) through the node's
// one NATS connection. All events of one resource come from the one actor that
// owns it, in order, onto one connection, so NATS keeps them in order for every
// subscriber.
//
// The relay queues and publishes from a thread of its own: the engine hands it
// events from the store writer's thread, right after a commit, and the JSON and
// the publish took half of that thread's time, which the next commit waited for.
// One queue and one thread keep each resource's events in order. A round (all
// that queued while the last was published) is flushed to NATS at once.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/event_sink.hpp"
#include "transport/cluster/nats_link.hpp"

namespace chorus {

class EventRelay final : public EventSink {
 public:
  // Events queued beyond `max_queued` (the relay's thread starved that long) are
  // dropped and counted: a sink never makes the engine wait.
  static constexpr std::size_t default_max_queued = 65536;

  explicit EventRelay(std::shared_ptr<NatsLink> link, std::size_t max_queued = default_max_queued);
  // stop(), if it was not called.
  ~EventRelay() override;
  EventRelay(const EventRelay&) = delete;
  EventRelay& operator=(const EventRelay&) = delete;

  void deliver(const EventPtr& event) override;
  // Publishes what is queued and stops the thread; what comes after is dropped.
  // Before the NATS library is closed.
  void stop();

  // Events dropped because the queue was full.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void run();

  std::shared_ptr<NatsLink> link_;
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<EventPtr> queue_;
  bool waiting_ = false;  // the thread sleeps: the next event wakes it
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;  // last: started once everything above is
};

}  // namespace chorus
