#include "actors/event_bus.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace chorus {

namespace {

std::set<Uuid> customers_of(const std::vector<Topic>& topics) {
  std::set<Uuid> result;
  for (auto& t : topics) result.insert(t.customer_id());
  return result;
}

}  // namespace

bool EventBus::Subscription::matches(const Event& event) const {
  if (every_customer) return true;
  return std::any_of(topics.begin(), topics.end(),
                     [&](const Topic& t) { return t.matches(event); });
}

EventBus::SubscriptionId EventBus::open(std::shared_ptr<EventSink> sink, bool every_customer) {
  auto sub = std::make_shared<Subscription>();
  sub->sink = std::move(sink);
  sub->every_customer = every_customer;
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto id = next_id_++;
  subscriptions_.emplace(id, sub);
  if (every_customer) every_customer_.push_back(sub);
  open_.fetch_add(1, std::memory_order_release);
  return id;
}

// Subscriptions are replaced, never edited in place, so a publisher holding the
// shared lock always sees a consistent topic list.
void EventBus::reindex(SubscriptionId id, const Subscription& before, const Subscription& after) {
  auto old_ptr = subscriptions_[id];
  auto new_ptr = std::make_shared<Subscription>(after);
  subscriptions_[id] = new_ptr;
  for (auto& customer : customers_of(before.topics)) {
    auto& list = by_customer_[customer];
    list.erase(std::remove(list.begin(), list.end(), old_ptr), list.end());
    if (list.empty()) by_customer_.erase(customer);
  }
  for (auto& customer : customers_of(after.topics)) by_customer_[customer].push_back(new_ptr);
  std::replace(every_customer_.begin(), every_customer_.end(), old_ptr, new_ptr);
}

void EventBus::add_topics(SubscriptionId id, const std::vector<Topic>& topics) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = subscriptions_.find(id);
  if (i == subscriptions_.end()) return;
  Subscription after = *i->second;
  for (auto& t : topics) {
    if (std::find(after.topics.begin(), after.topics.end(), t) == after.topics.end()) {
      after.topics.push_back(t);
    }
  }
  reindex(id, *i->second, after);
}

void EventBus::remove_topics(SubscriptionId id, const std::vector<Topic>& topics) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = subscriptions_.find(id);
  if (i == subscriptions_.end()) return;
  Subscription after = *i->second;
  for (auto& t : topics) {
    after.topics.erase(std::remove(after.topics.begin(), after.topics.end(), t),
                       after.topics.end());
  }
  reindex(id, *i->second, after);
}

void EventBus::close(SubscriptionId id) {
  std::unique_lock<std::shared_mutex> guard(mutex_);
  auto i = subscriptions_.find(id);
  if (i == subscriptions_.end()) return;
  Subscription none;
  none.every_customer = i->second->every_customer;
  reindex(id, *i->second, none);
  auto ptr = subscriptions_[id];
  every_customer_.erase(std::remove(every_customer_.begin(), every_customer_.end(), ptr),
                        every_customer_.end());
  subscriptions_.erase(id);
  open_.fetch_sub(1, std::memory_order_release);
}

bool EventBus::wants(const Uuid& customer_id) const {
  if (open_.load(std::memory_order_acquire) == 0) return false;
  std::shared_lock<std::shared_mutex> guard(mutex_);
  return !every_customer_.empty() || by_customer_.count(customer_id) != 0;
}

void EventBus::publish(const EventPtr& event) const {
  published_.fetch_add(1, std::memory_order_relaxed);
  std::shared_lock<std::shared_mutex> guard(mutex_);
  for (auto& sub : every_customer_) sub->sink->deliver(event);
  auto i = by_customer_.find(event->customer_id());
  if (i == by_customer_.end()) return;
  for (auto& sub : i->second) {
    if (sub->matches(*event)) sub->sink->deliver(event);
  }
}

}  // namespace chorus
