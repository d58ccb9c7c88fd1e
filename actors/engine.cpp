#include "actors/engine.hpp"

#include <future>
#include <mutex>
#include <utility>

#include <spdlog/spdlog.h>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/api_answers.hpp"
#include "actors/deletion.hpp"
#include "actors/engine_core.hpp"
#include "actors/recovery.hpp"
#include "actors/state_change.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

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
  if (link_) link_->close(false);
  link_.reset();
}

void Subscription::add_topics(const std::vector<Topic>& topics) {
  if (link_) link_->add_topics(topics);
}

void Subscription::remove_topics(const std::vector<Topic>& topics) {
  if (link_) link_->remove_topics(topics);
}

Engine::Engine(std::shared_ptr<LegDriver> driver, EngineOptions options,
               std::shared_ptr<Store> store)
    : core_(std::make_unique<EngineCore>(std::move(driver), options, std::move(store))) {}

Engine::~Engine() {
  core_->stop();
}

void Engine::create_groupcall(const GroupcallRequest& request,
                              std::function<void(Result<Groupcall>)> done) {
  core_->create_groupcall(request, std::move(done));
}

Result<Groupcall> Engine::create_groupcall(const GroupcallRequest& request) {
  return wait_for<Groupcall>([&](auto done) { core_->create_groupcall(request, std::move(done)); });
}

// Live resources from memory; with a store, ended ones from the store.
Result<std::shared_ptr<const Groupcall>> Engine::find_groupcall(const Uuid& id) const {
  auto& engine = core_->context();
  if (auto live = engine.registry.groupcalls.find(id)) return live;
  return stored<Groupcall>(engine.store, [&](Store& s) { return s.groupcall(id); });
}

Result<std::shared_ptr<const Call>> Engine::find_call(const Uuid& id) const {
  auto& engine = core_->context();
  if (auto live = engine.registry.calls.find(id)) return live;
  return stored<Call>(engine.store, [&](Store& s) { return s.call(id); });
}

Result<Groupcall> Engine::groupcall(const Uuid& customer_id, const Uuid& id) const {
  auto found = owned(find_groupcall(id), customer_id, "groupcall");
  if (!found) return found;
  return with_live_counts(std::move(found).value(), core_->context().registry);
}

Result<Call> Engine::call(const Uuid& customer_id, const Uuid& id) const {
  return owned(find_call(id), customer_id, "call");
}

Result<std::vector<Groupcall>> Engine::groupcalls(const Uuid& customer_id, std::size_t limit,
                                                  std::optional<Timestamp> before) const {
  auto& engine = core_->context();
  auto& registry = engine.registry;
  auto result = listed(
      engine.store, registry.groupcalls,
      [&](Store& s) { return s.groupcalls(customer_id, limit, before); }, customer_id, limit,
      before);
  if (!result) return result;
  for (auto& g : *result) g = with_live_counts(std::move(g), registry);
  return result;
}

Result<std::vector<Call>> Engine::calls(const Uuid& customer_id, std::size_t limit,
                                        std::optional<Timestamp> before) const {
  auto& engine = core_->context();
  return listed(
      engine.store, engine.registry.calls,
      [&](Store& s) { return s.calls(customer_id, limit, before); }, customer_id, limit, before);
}

void Engine::hangup_groupcall(const Uuid& customer_id, const Uuid& id,
                              std::function<void(Result<Groupcall>)> done) {
  auto& engine = core_->context();
  auto found = here(owned(find_groupcall(id), customer_id, "groupcall"), engine.registry.groupcalls,
                    "groupcall");
  if (!found) return done(found.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto actor = engine.registry.groupcalls.actor(id);
  if (!actor) return done(std::move(found));  // already ended: hanging up again changes nothing
  auto answer = [&engine, done = std::move(done)](Result<Groupcall> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  caf::anon_send(caf::actor_cast<groupcall_actor>(actor), hangup_atom::value,
                 GroupcallReply(answer_once<Groupcall>(std::move(answer), [this, customer_id, id] {
                   return groupcall(customer_id, id);
                 })));
}

void Engine::hangup_call(const Uuid& customer_id, const Uuid& id,
                         std::function<void(Result<Call>)> done) {
  auto& engine = core_->context();
  auto found = here(owned(find_call(id), customer_id, "call"), engine.registry.calls, "call");
  if (!found) return done(found.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto answer = [&engine, done = std::move(done)](Result<Call> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  auto reply = CallReply(answer_once<Call>(
      std::move(answer), [this, customer_id, id] { return call(customer_id, id); }));
  if (auto actor = engine.registry.calls.actor(id)) {
    return caf::anon_send(caf::actor_cast<call_leg_actor>(actor), hangup_atom::value, reply);
  }
  if (is_final(found->status)) return reply(std::move(found));
  // Prepared but not spawned yet: its groupcall spawns it first, then forwards this.
  if (auto groupcall = engine.registry.groupcalls.actor(found->groupcall_id)) {
    caf::anon_send(caf::actor_cast<groupcall_actor>(groupcall), hangup_atom::value, id, reply);
  }
}

void Engine::delete_groupcall(const Uuid& customer_id, const Uuid& id,
                              std::function<void(Result<Groupcall>)> done) {
  auto& engine = core_->context();
  auto lookup = find_groupcall(id);
  auto found =
      here(owned(lookup, customer_id, "groupcall"), engine.registry.groupcalls, "groupcall");
  if (!found) return done(found.error());
  auto snapshot = *lookup;
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto answer = [&engine, done = std::move(done)](Result<Groupcall> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  if (auto actor = engine.registry.groupcalls.actor(id)) {
    return caf::anon_send(
        caf::actor_cast<groupcall_actor>(actor), delete_atom::value,
        GroupcallReply(answer_once<Groupcall>(
            std::move(answer), [this, customer_id, id] { return groupcall(customer_id, id); })));
  }
  if (!is_final(snapshot->status)) {
    return done(Error::conflict("groupcall is starting; retry the delete"));
  }
  answer(with_live_counts(*chorus::delete_groupcall(engine, snapshot), engine.registry));
}

void Engine::delete_call(const Uuid& customer_id, const Uuid& id,
                         std::function<void(Result<Call>)> done) {
  auto& engine = core_->context();
  auto lookup = find_call(id);
  auto found = here(owned(lookup, customer_id, "call"), engine.registry.calls, "call");
  if (!found) return done(found.error());
  auto snapshot = *lookup;
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  if (is_final(snapshot->status)) {
    return answer_when_committed(engine, Result<Call>(*chorus::delete_call(engine, snapshot)),
                                 std::move(done));
  }
  // Hang it up first; the leg answers once it has ended (and is committed).
  hangup_call(customer_id, id, [this, &engine, done = std::move(done)](Result<Call> hung_up) {
    if (!hung_up) return done(std::move(hung_up));
    auto latest = find_call(hung_up->id);
    if (!latest) return done(latest.error());
    if (!*latest || !is_final((*latest)->status)) {
      return done(Error::conflict("call is still ending; retry the delete"));
    }
    answer_when_committed(engine, Result<Call>(*chorus::delete_call(engine, *latest)), done);
  });
}

Result<Recovery> Engine::recover() {
  auto& engine = core_->context();
  return chorus::recover(engine, std::chrono::milliseconds(engine.options.stop_timeout_ms));
}

Result<Recovery> Engine::end_left_live(const LeftLive& left,
                                       std::optional<std::chrono::milliseconds> wait) {
  auto& engine = core_->context();
  return chorus::end_left_live(
      engine, left, wait.value_or(std::chrono::milliseconds(engine.options.stop_timeout_ms)));
}

bool Engine::abandon_live(const std::string& why) {
  return core_->abandon_live(why);
}

void Engine::resume_writes() {
  auto& engine = core_->context();
  if (engine.writer) engine.writer->unfence();
}

std::optional<std::string> Engine::store_fault() const {
  auto& engine = core_->context();
  return engine.writer ? engine.writer->fault() : std::nullopt;
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

Subscription Engine::open_subscription(std::shared_ptr<EventSink> sink, bool every_customer) {
  return Subscription(core_->open_subscription(std::move(sink), every_customer));
}

void Engine::close_intake() {
  core_->close_intake();
}

void Engine::stop() {
  core_->stop();
}

EngineStats Engine::stats() const {
  auto& engine = core_->context();
  EngineStats stats;
  stats.live_groupcalls = engine.registry.groupcalls.live();
  stats.live_calls = engine.registry.calls.live();
  stats.live_conferences = engine.registry.conferences.live();
  stats.live_conferencecalls = engine.registry.conferencecalls.live();
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
  if (engine.writer) {
    auto store = engine.writer->stats();
    stats.store = true;
    stats.store_commits = store.commits;
    stats.store_rows = store.rows;
    stats.store_changes = store.changes;
    stats.store_failures = store.failures;
    stats.store_purged = store.purged;
    stats.store_commit_p50 = store.commit_p50;
    stats.store_commit_p99 = store.commit_p99;
  }
  return stats;
}

TimerService& Engine::timers() {
  return core_->context().timers;
}

}  // namespace chorus
