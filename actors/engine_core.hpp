#pragma once
// What stands behind chorus::Engine: the actor system, the shared context, the
// supervisors and the open subscriptions. Internal (CAF); tests reach it through
// EngineProbe to drive the deterministic scheduler.

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/dial_context.hpp"
#include "actors/engine.hpp"
#include "actors/engine_context.hpp"

namespace caf::scheduler {
class test_coordinator;
}

namespace chorus {

// Ties a Subscription handle to the engine's bus without letting it outlive it:
// once closed (by its holder, or by the engine's stop), it touches nothing.
class SubscriptionLink {
 public:
  SubscriptionLink(EventBus& bus, EventBus::SubscriptionId id, std::shared_ptr<EventSink> sink,
                   std::function<void()> after_close = {})
      : bus_(&bus), id_(id), sink_(std::move(sink)), after_close_(std::move(after_close)) {}
  void add_topics(const std::vector<Topic>& topics);
  void remove_topics(const std::vector<Topic>& topics);
  // `by_engine`: the engine ends it, and tells the sink.
  void close(bool by_engine);

 private:
  std::mutex mutex_;
  EventBus* bus_;  // null once closed
  EventBus::SubscriptionId id_;
  std::shared_ptr<EventSink> sink_;
  std::function<void()> after_close_;  // a callback subscription's actor stops
};

class EngineCore {
 public:
  EngineCore(std::shared_ptr<LegDriver> driver, const EngineOptions& options,
             std::shared_ptr<Store> store);
  ~EngineCore();

  EngineContext& context() { return *context_; }
  caf::actor_system& system() { return *system_; }
  bool stopping() const { return stopping_.load(); }
  void close_intake() { stopping_ = true; }

  void create_groupcall(const GroupcallRequest& request,
                        std::function<void(Result<Groupcall>)> done);
  // Rings a ring group by number as a groupcall of its own (the embedding API).
  void ring_group_call(const RingGroupCallRequest& request,
                       std::function<void(Result<Groupcall>)> done);
  // Rings an instant group call as a groupcall of its own (the embedding API).
  void instant_group_call_dial(const InstantGroupCallDial& request,
                               std::function<void(Result<Groupcall>)> done);
  // What create_groupcall would refuse `request` for, without creating anything.
  Status admissible(const GroupcallRequest& request) const;
  // Unavailable while the store cannot be written: what it would refuse to
  // commit is refused before anything starts.
  Status accepting_writes() const;
  std::mutex& directory_writes() { return directory_writes_; }
  std::mutex& conference_creations() { return conference_creations_; }
  std::shared_ptr<SubscriptionLink> open_subscription(std::vector<Topic> topics,
                                                      EventCallback callback, bool every);
  std::shared_ptr<SubscriptionLink> open_subscription(std::shared_ptr<EventSink> sink,
                                                      bool every_customer = false);
  void keep(const std::shared_ptr<SubscriptionLink>& link);
  void stop();
  // Engine::abandon_live: the store fenced, everything live ended here.
  bool abandon_live(const std::string& why);

  // Deterministic mode only (null otherwise).
  caf::scheduler::test_coordinator* test_scheduler() const { return test_scheduler_; }
  // Runs every pending message; in deterministic mode only.
  void run_pending();

 private:
  template <class Request>
  Status admits(const Request& request) const;
  Status joinable(const GroupcallRequest& request) const;
  void ring_service(const Uuid& customer_id, const Address& source, const Uuid& master_call_id,
                    Result<DialPlan> plan, std::function<void(Result<Groupcall>)> done);
  void launch(Groupcall base, DialPlan plan, DialContext dial_context,
              std::function<void(Result<Groupcall>)> done);
  bool wait_until_idle(std::chrono::milliseconds timeout);
  // Hangs up every live groupcall and conference, and forces down what is still
  // live after `timeout`.
  void end_everything_live(std::chrono::milliseconds timeout, const char* why);
  void close_subscriptions();

  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::unique_ptr<EngineContext> context_;
  caf::scheduler::test_coordinator* test_scheduler_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::mutex directory_writes_;
  std::mutex conference_creations_;
  std::mutex subscriptions_mutex_;
  // Every open subscription, for stop() to end; a link its holder dropped expires
  // and is swept out as the list grows (a WebSocket connection is one each).
  std::vector<std::weak_ptr<SubscriptionLink>> subscriptions_;
  std::size_t subscriptions_swept_ = 0;  // the list's size after the last sweep
};

}  // namespace chorus
