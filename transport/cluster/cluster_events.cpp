#include "transport/cluster/cluster_events.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "model/event_json.hpp"
#include "transport/cluster/event_subject.hpp"

namespace chorus {

namespace {

// The customer a subject chorus.events.<customer>.<resource>.<id> names.
std::optional<Uuid> customer_of(std::string_view subject) {
  const std::string_view prefix = event_subject_prefix;
  if (subject.substr(0, prefix.size()) != prefix) return std::nullopt;
  subject.remove_prefix(prefix.size());
  return Uuid::parse(subject.substr(0, subject.find('.')));
}

}  // namespace

ClusterEvents::ClusterEvents(std::shared_ptr<NatsLink> link) : link_(std::move(link)) {
  link_->on_gap([this](const std::string& subject) { lost(subject); });
}

ClusterEvents::~ClusterEvents() {
  link_->on_gap(nullptr);
  std::unordered_map<Uuid, Watched> watched;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    watched.swap(watched_);
  }
  for (auto& [customer, w] : watched) NatsLink::unsubscribe(w.subscription);
}

void ClusterEvents::watch(const Uuid& customer_id, std::shared_ptr<EventSink> sink) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto& w = watched_[customer_id];
  w.sinks.push_back(std::move(sink));
  if (w.subscription == nullptr) {
    w.subscription = link_->subscribe(customer_events_subject(customer_id), &on_message, this);
  }
}

void ClusterEvents::unwatch(const Uuid& customer_id, const EventSink* sink) {
  natsSubscription* ended = nullptr;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto w = watched_.find(customer_id);
    if (w == watched_.end()) return;
    auto& sinks = w->second.sinks;
    sinks.erase(std::remove_if(sinks.begin(), sinks.end(),
                               [sink](const auto& s) { return s.get() == sink; }),
                sinks.end());
    if (!sinks.empty()) return;
    ended = w->second.subscription;
    watched_.erase(w);
  }
  // Outside the lock: a handler running now may need it to find no sinks.
  if (ended != nullptr) {
    natsSubscription_Unsubscribe(ended);
    natsSubscription_Destroy(ended);
  }
}

std::vector<std::shared_ptr<EventSink>> ClusterEvents::sinks_of(const Uuid& customer_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto w = watched_.find(customer_id);
  return w == watched_.end() ? std::vector<std::shared_ptr<EventSink>>() : w->second.sinks;
}

void ClusterEvents::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<ClusterEvents*>(self)->deliver(msg);
  natsMsg_Destroy(msg);
}

void ClusterEvents::deliver(natsMsg* msg) {
  auto customer = customer_of(natsMsg_GetSubject(msg));
  auto event = event_from_json(NatsLink::data_of(msg));
  // Whoever can publish on NATS is not trusted: the subject and the event must agree.
  if (!customer || !event || (*event)->customer_id() != *customer ||
      natsMsg_GetSubject(msg) != event_subject(**event)) {
    if (refused_.fetch_add(1, std::memory_order_relaxed) == 0) {
      spdlog::warn("cluster: refused an event on {}: {}", natsMsg_GetSubject(msg),
                   event ? "its subject does not name it" : event.error().message);
    }
    return;
  }
  received_.fetch_add(1, std::memory_order_relaxed);
  for (auto& sink : sinks_of(*customer)) sink->deliver(*event);
}

void ClusterEvents::lost(const std::string& subject) {
  std::vector<std::shared_ptr<EventSink>> told;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto& [customer, w] : watched_) {
      if (!subject.empty() && subject != customer_events_subject(customer)) continue;
      told.insert(told.end(), w.sinks.begin(), w.sinks.end());
    }
  }
  for (auto& sink : told) sink->lost(1);
}

}  // namespace chorus
