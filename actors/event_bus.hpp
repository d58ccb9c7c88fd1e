#pragma once
// The event bus: who listens to which topics, and delivery of each event to every
// matching subscriber once. Publishing runs on the publishing actor's thread and
// never waits on a subscriber: a sink must accept an event without blocking
// (queue it, send it to an actor). With nobody listening to a customer, a publish
// costs one atomic load, and the event is not even built (see wants()).

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "actors/event_sink.hpp"
#include "model/event.hpp"
#include "model/topic.hpp"

namespace chorus {

class EventBus {
 public:
  using SubscriptionId = std::uint64_t;

  // A subscription with no topics yet; `every_customer` sees every event (for
  // embedders such as billing, never for customer-facing connections).
  SubscriptionId open(std::shared_ptr<EventSink> sink, bool every_customer = false);
  void add_topics(SubscriptionId id, const std::vector<Topic>& topics);
  void remove_topics(SubscriptionId id, const std::vector<Topic>& topics);
  void close(SubscriptionId id);

  // Whether any subscriber could want this customer's events.
  bool wants(const Uuid& customer_id) const;
  void publish(const EventPtr& event) const;

  std::uint64_t published() const noexcept { return published_.load(std::memory_order_relaxed); }

 private:
  struct Subscription {
    std::shared_ptr<EventSink> sink;
    std::vector<Topic> topics;
    bool every_customer = false;
    bool matches(const Event& event) const;
  };
  using SubscriptionPtr = std::shared_ptr<Subscription>;

  void reindex(SubscriptionId id, const Subscription& before, const Subscription& after);

  mutable std::shared_mutex mutex_;
  std::unordered_map<SubscriptionId, SubscriptionPtr> subscriptions_;
  // customer -> subscriptions with at least one topic for that customer
  std::unordered_map<Uuid, std::vector<SubscriptionPtr>> by_customer_;
  std::vector<SubscriptionPtr> every_customer_;
  SubscriptionId next_id_ = 1;
  std::atomic<std::size_t> open_{0};
  mutable std::atomic<std::uint64_t> published_{0};
};

}  // namespace chorus
