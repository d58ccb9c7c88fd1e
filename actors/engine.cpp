#include "actors/engine.hpp"

#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/deletion.hpp"
#include "actors/engine_core.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

template <class Resource>
Result<Resource> owned(const std::shared_ptr<const Resource>& snapshot, const Uuid& customer_id,
                       const char* what) {
  // Another customer's resource is indistinguishable from a missing one.
  if (!snapshot || snapshot->customer_id != customer_id) return Error::not_found(what);
  return *snapshot;
}

template <class Resource>
std::vector<Resource> copies(const std::vector<std::shared_ptr<const Resource>>& snapshots) {
  std::vector<Resource> result;
  result.reserve(snapshots.size());
  for (auto& s : snapshots) result.push_back(*s);
  return result;
}

// call_count and groupcall_count are derived here, from the branches' own
// snapshots: the groupcall actor does not rewrite its snapshot each time a branch
// ends, which would copy every destination once per leg.
Groupcall with_live_counts(Groupcall g, const Registry& registry) {
  g.call_count = g.groupcall_count = 0;
  if (is_final(g.status)) return g;
  for (auto& id : g.call_ids) {
    auto call = registry.calls.find(id);
    if (call && !is_final(call->status)) ++g.call_count;
  }
  for (auto& id : g.groupcall_ids) {
    auto nested = registry.groupcalls.find(id);
    if (nested && !is_final(nested->status)) ++g.groupcall_count;
  }
  return g;
}

// Answers an API hangup exactly once. The actor answers while it runs; if it ends
// before it reads the request, CAF drops the message unread, and when the last
// copy of the reply goes, it answers with the resource as the registry holds it.
template <class Resource>
std::function<void(Result<Resource>)> answer_once(std::function<void(Result<Resource>)> done,
                                                  std::function<Result<Resource>()> current) {
  struct Once {
    std::function<void(Result<Resource>)> done;
    std::function<Result<Resource>()> current;
    void answer(Result<Resource> result) {
      auto callback = std::exchange(done, nullptr);
      if (callback) callback(std::move(result));
    }
    ~Once() {
      if (!done) return;
      try {
        answer(current());
      } catch (...) {
        // A callback's exception must not escape a destructor.
      }
    }
  };
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  once->current = std::move(current);
  return [once](Result<Resource> result) { once->answer(std::move(result)); };
}

Result<std::vector<Topic>> parse_topics(const std::vector<std::string>& topics) {
  std::vector<Topic> parsed;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    auto topic = Topic::parse(topics[i], "topics[" + std::to_string(i) + "]");
    if (!topic) return topic.error();
    parsed.push_back(std::move(topic).value());
  }
  if (parsed.empty()) return Error::invalid("topics", "must not be empty");
  return parsed;
}

}  // namespace

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    link_ = std::move(other.link_);
  }
  return *this;
}

Subscription::~Subscription() {
  cancel();
}

void Subscription::cancel() {
  if (link_) link_->close();
  link_.reset();
}

Engine::Engine(std::shared_ptr<LegDriver> driver, EngineOptions options)
    : core_(std::make_unique<EngineCore>(std::move(driver), options)) {}

Engine::~Engine() {
  core_->stop();
}

Result<Groupcall> Engine::create_groupcall(const GroupcallRequest& request) {
  return core_->create_groupcall(request);
}

Result<Groupcall> Engine::groupcall(const Uuid& customer_id, const Uuid& id) const {
  auto& registry = core_->context().registry;
  auto found = owned(registry.groupcalls.find(id), customer_id, "groupcall");
  if (!found) return found;
  return with_live_counts(std::move(found).value(), registry);
}

Result<Call> Engine::call(const Uuid& customer_id, const Uuid& id) const {
  return owned(core_->context().registry.calls.find(id), customer_id, "call");
}

std::vector<Groupcall> Engine::groupcalls(const Uuid& customer_id, std::size_t limit,
                                          std::optional<Timestamp> before) const {
  auto& registry = core_->context().registry;
  auto result = copies(registry.groupcalls.list(customer_id, limit, before));
  for (auto& g : result) g = with_live_counts(std::move(g), registry);
  return result;
}

std::vector<Call> Engine::calls(const Uuid& customer_id, std::size_t limit,
                                std::optional<Timestamp> before) const {
  return copies(core_->context().registry.calls.list(customer_id, limit, before));
}

void Engine::hangup_groupcall(const Uuid& customer_id, const Uuid& id,
                              std::function<void(Result<Groupcall>)> done) {
  auto& groupcalls = core_->context().registry.groupcalls;
  auto found = owned(groupcalls.find(id), customer_id, "groupcall");
  if (!found) return done(found.error());
  auto actor = groupcalls.actor(id);
  if (!actor) return done(std::move(found));  // already ended: hanging up again changes nothing
  caf::anon_send(caf::actor_cast<groupcall_actor>(actor), hangup_atom::value,
                 GroupcallReply(answer_once<Groupcall>(std::move(done), [this, customer_id, id] {
                   return groupcall(customer_id, id);
                 })));
}

void Engine::hangup_call(const Uuid& customer_id, const Uuid& id,
                         std::function<void(Result<Call>)> done) {
  auto& calls = core_->context().registry.calls;
  auto found = owned(calls.find(id), customer_id, "call");
  if (!found) return done(found.error());
  auto reply = CallReply(answer_once<Call>(
      std::move(done), [this, customer_id, id] { return call(customer_id, id); }));
  if (auto actor = calls.actor(id)) {
    return caf::anon_send(caf::actor_cast<call_leg_actor>(actor), hangup_atom::value, reply);
  }
  if (is_final(found->status)) return reply(std::move(found));
  // Prepared but not spawned yet: its groupcall spawns it first, then forwards this.
  if (auto groupcall = core_->context().registry.groupcalls.actor(found->groupcall_id)) {
    caf::anon_send(caf::actor_cast<groupcall_actor>(groupcall), hangup_atom::value, id, reply);
  }
}

void Engine::delete_groupcall(const Uuid& customer_id, const Uuid& id,
                              std::function<void(Result<Groupcall>)> done) {
  auto& engine = core_->context();
  auto snapshot = engine.registry.groupcalls.find(id);
  auto found = owned(snapshot, customer_id, "groupcall");
  if (!found) return done(found.error());
  if (auto actor = engine.registry.groupcalls.actor(id)) {
    return caf::anon_send(
        caf::actor_cast<groupcall_actor>(actor), delete_atom::value,
        GroupcallReply(answer_once<Groupcall>(
            std::move(done), [this, customer_id, id] { return groupcall(customer_id, id); })));
  }
  if (!is_final(snapshot->status)) {
    return done(Error::conflict("groupcall is starting; retry the delete"));
  }
  done(with_live_counts(*chorus::delete_groupcall(engine, snapshot), engine.registry));
}

void Engine::delete_call(const Uuid& customer_id, const Uuid& id,
                         std::function<void(Result<Call>)> done) {
  auto& engine = core_->context();
  auto snapshot = engine.registry.calls.find(id);
  auto found = owned(snapshot, customer_id, "call");
  if (!found) return done(found.error());
  if (is_final(snapshot->status)) return done(*chorus::delete_call(engine, snapshot));
  // Hang it up first; the leg answers once it has ended.
  hangup_call(customer_id, id, [&engine, done = std::move(done)](Result<Call> hung_up) {
    if (!hung_up) return done(std::move(hung_up));
    auto latest = engine.registry.calls.find(hung_up->id);
    if (!latest || !is_final(latest->status)) {
      return done(Error::conflict("call is still ending; retry the delete"));
    }
    done(*chorus::delete_call(engine, latest));
  });
}

Result<Agent> Engine::put_agent(Agent agent) {
  auto& engine = core_->context();
  return engine.directory.put_agent(std::move(agent), engine.clock.now());
}

Result<Agent> Engine::remove_agent(const Uuid& customer_id, const Uuid& id) {
  auto& engine = core_->context();
  return engine.directory.remove_agent(customer_id, id, engine.clock.now());
}

std::optional<Agent> Engine::agent(const Uuid& customer_id, const Uuid& id) const {
  return core_->context().directory.find_agent(customer_id, id);
}

std::vector<Agent> Engine::agents(const Uuid& customer_id) const {
  return core_->context().directory.agents(customer_id);
}

Result<Extension> Engine::put_extension(Extension extension) {
  auto& engine = core_->context();
  return engine.directory.put_extension(std::move(extension), engine.clock.now());
}

Result<Extension> Engine::remove_extension(const Uuid& customer_id, const Uuid& id) {
  auto& engine = core_->context();
  return engine.directory.remove_extension(customer_id, id, engine.clock.now());
}

std::optional<Extension> Engine::extension(const Uuid& customer_id, const Uuid& id) const {
  return core_->context().directory.find_extension_by_id(customer_id, id);
}

std::vector<Extension> Engine::extensions(const Uuid& customer_id) const {
  return core_->context().directory.extensions(customer_id);
}

Result<Subscription> Engine::subscribe(const std::vector<std::string>& topics,
                                       EventCallback callback) {
  auto parsed = parse_topics(topics);
  if (!parsed) return parsed.error();
  return Subscription(
      core_->open_subscription(std::move(parsed).value(), std::move(callback), false));
}

Subscription Engine::subscribe_all(EventCallback callback) {
  return Subscription(core_->open_subscription({}, std::move(callback), true));
}

void Engine::close_intake() { core_->close_intake(); }

void Engine::stop() {
  core_->stop();
}

EngineStats Engine::stats() const {
  auto& engine = core_->context();
  EngineStats stats;
  stats.live_groupcalls = engine.registry.groupcalls.live();
  stats.live_calls = engine.registry.calls.live();
  stats.pending_timers = engine.timers.pending();
  stats.events_published = engine.bus.published();
  for (std::size_t s = 0; s < stats.groupcalls_by_status.size(); ++s) {
    stats.groupcalls_by_status[s] = engine.registry.groupcalls.count_in(s);
    stats.calls_by_status[s] = engine.registry.calls.count_in(s);
  }
  stats.legs_dialled = engine.legs_dialled.load(std::memory_order_relaxed);
  for (std::size_t r = 0; r < stats.legs_ended_by_reason.size(); ++r) {
    stats.legs_ended_by_reason[r] = engine.legs_ended_by_reason[r].load(std::memory_order_relaxed);
  }
  stats.ring_timeouts = engine.ring_timeout_lateness.count();
  stats.ring_timeout_lateness_p50 = engine.ring_timeout_lateness.percentile(0.50);
  stats.ring_timeout_lateness_p99 = engine.ring_timeout_lateness.percentile(0.99);
  return stats;
}

TimerService& Engine::timers() { return core_->context().timers; }

EventBus& Engine::event_bus() { return core_->context().bus; }

}  // namespace chorus
