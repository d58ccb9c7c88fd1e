#include "actors/engine_core.hpp"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>
#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>

#include "actors/api_answers.hpp"
#include "actors/branch.hpp"
#include "actors/dialable.hpp"
#include "actors/engine_scheduler.hpp"
#include "actors/groupcall_actor.hpp"
#include "actors/state_change.hpp"
#include "actors/subscriber.hpp"
#include "actors/supervisor.hpp"
#include "model/dial_plan.hpp"
#include "model/field_limits.hpp"

namespace chorus {

namespace {

// One worker per core unless told otherwise. CAF's own default is at least four,
// which on a 2-core machine spent about 40% of the workers' CPU polling and
// switching (perf, chorusd under REST load).
std::size_t worker_count(const EngineOptions& options) {
  if (options.worker_threads > 0) return options.worker_threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::unique_ptr<caf::actor_system_config> make_config(const EngineOptions& options) {
  auto config = std::make_unique<caf::actor_system_config>();
  announce_message_types(*config);
  config->set("logger.verbosity", caf::atom("quiet"));
  config->set("logger.file-verbosity", caf::atom("quiet"));
  config->set("logger.console-verbosity", caf::atom("quiet"));
  if (options.deterministic) {
    config->set("scheduler.policy", caf::atom("testing"));
  } else {
    use_engine_scheduler(*config);
    config->set("scheduler.max-threads", worker_count(options));
    // A worker out of work spins briefly (CAF's 100 aggressive polls), then sleeps
    // on a condition variable that new work from outside (HTTP, drivers, timers)
    // notifies; the timeout only bounds how late an idle worker steals work
    // queued on a busy one. CAF's "moderate" phase in between (500 polls 50 us
    // apart) was half of chorusd's CPU per WebSocket event at 1,000 subscribers
    // (1.21 -> 0.67 us per event, same load, alternating runs) and bought nothing
    // in bench_engine or REST creations. CAF's 10 ms relaxed timeout woke every
    // idle worker 100 times a second (3 CPU ticks per 10 s); 100 ms is 10.
    config->set("work-stealing.moderate-poll-attempts", std::size_t{0});
    config->set("work-stealing.relaxed-sleep-duration",
                caf::timespan(std::chrono::milliseconds(100)));
  }
  return config;
}

std::size_t shard_count(const EngineOptions& options, caf::actor_system& system) {
  if (options.supervisor_shards > 0) return options.supervisor_shards;
  if (options.deterministic) return 2;
  return std::max<std::size_t>(1, system.scheduler().num_workers());
}

// Every resource a prepared groupcall holds: itself and its initial branches.
void collect_ids(const PreparedGroupcall& prepared, std::vector<Uuid>& ids) {
  ids.push_back(prepared.groupcall->id);
  for (auto& branch : prepared.initial) {
    if (branch.call) ids.push_back(branch.call->id);
    if (branch.nested) collect_ids(*branch.nested, ids);
  }
}

std::vector<Uuid> ids_of(const PreparedGroupcall& prepared) {
  std::vector<Uuid> ids;
  collect_ids(prepared, ids);
  return ids;
}

Status validate(const GroupcallRequest& request) {
  if (request.customer_id.is_zero()) {
    return Error::invalid("customer_id", "must be a customer's UUID");
  }
  if (request.source.target.empty()) return Error::invalid("source.target", "must not be empty");
  if (auto text = check_address_text(request.source, "source"); !text) return text;
  if (auto text = check_text(request.owner_type, "owner_type", field_limits::owner_type); !text) {
    return text;
  }
  if (request.ring_timeout <= 0) return Error::invalid("ring_timeout", "must be greater than 0");
  if (request.answer_timeout < 0) return Error::invalid("answer_timeout", "must be 0 or more");
  if (request.repeats < 0 || request.repeats > Groupcall::max_repeats) {
    return Error::invalid("repeats", "must be from 0 to " + std::to_string(Groupcall::max_repeats));
  }
  if (request.sdp_offer.size() > field_limits::sdp) {
    return Error::limit("sdp_offer", "at most " + std::to_string(field_limits::sdp) + " bytes");
  }
  return {};
}

// A call to a configured service (a ring group, an instant group call): who calls
// whom.
Status validate_dial(const Uuid& customer_id, std::string_view field, std::string_view target,
                     const Address& source) {
  if (customer_id.is_zero()) return Error::invalid("customer_id", "must be a customer's UUID");
  if (target.empty()) return Error::invalid(std::string(field), "must not be empty");
  if (source.target.empty()) return Error::invalid("source.target", "must not be empty");
  return check_address_text(source, "source");
}

DialPlanLimits limits_of(const EngineContext& engine) {
  return DialPlanLimits{engine.options.max_nesting_depth, engine.options.max_destinations};
}

Status validate(const RingGroupCallRequest& request) {
  return validate_dial(request.customer_id, "number", request.number, request.source);
}

Status validate(const InstantGroupCallDial& request) {
  return validate_dial(request.customer_id, "target", request.target, request.source);
}

}  // namespace

void SubscriptionLink::add_topics(const std::vector<Topic>& topics) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (bus_) bus_->add_topics(id_, topics);
}

void SubscriptionLink::remove_topics(const std::vector<Topic>& topics) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (bus_) bus_->remove_topics(id_, topics);
}

void SubscriptionLink::close(bool by_engine) {
  EventBus* bus = nullptr;
  std::shared_ptr<EventSink> sink;
  std::function<void()> after_close;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    std::swap(bus, bus_);
    sink.swap(sink_);
    after_close.swap(after_close_);
  }
  if (!bus) return;
  bus->close(id_);
  if (after_close) after_close();
  if (by_engine) sink->ended();
}

EngineCore::EngineCore(std::shared_ptr<LegDriver> driver, const EngineOptions& options,
                       std::shared_ptr<Store> store)
    : config_(make_config(options)), system_(std::make_unique<caf::actor_system>(*config_)) {
  if (options.deterministic) {
    test_scheduler_ = &dynamic_cast<caf::scheduler::test_coordinator&>(system_->scheduler());
  }
  auto shards = shard_count(options, *system_);
  context_ = std::make_unique<EngineContext>(*system_, options, std::move(driver), shards,
                                             std::move(store));
  for (std::size_t i = 0; i < shards; ++i) {
    auto supervisor = spawn_supervisor(*context_, i);
    context_->timers.bind(i, supervisor);
    context_->supervisors.push_back(std::move(supervisor));
  }
  context_->driver->start(context_->timers);
  run_pending();
}

EngineCore::~EngineCore() {
  stop();
}

void EngineCore::run_pending() {
  if (test_scheduler_) test_scheduler_->run();
}

Status EngineCore::accepting_writes() const {
  if (!context_->writer) return {};
  if (auto fault = context_->writer->fault()) return Error::unavailable(*fault);
  return {};
}

Status EngineCore::admissible(const GroupcallRequest& request) const {
  if (auto status = validate(request); !status) return status;
  auto& engine = *context_;
  auto plan = resolve_dial_plan(request.customer_id, request.ring_method, request.destinations,
                                engine.directory, limits_of(engine));
  if (!plan) return plan.error();
  return can_dial(*engine.driver, *plan);
}

// Whether a new call is taken now: the engine runs, the request is valid and the
// store can be written.
template <class Request>
Status EngineCore::admits(const Request& request) const {
  if (stopping()) return Error::unavailable("the engine is stopping");
  if (auto status = validate(request); !status) return status;
  return accepting_writes();
}

// A groupcall's conference_id: a live conference of the customer's, run here or,
// in a cluster, by another node (read from the shared store).
Status EngineCore::joinable(const GroupcallRequest& request) const {
  auto& engine = *context_;
  auto conference = engine.registry.conferences.find(request.conference_id);
  if (!conference && engine.peers()) {
    auto found = stored<Conference>(engine.store,
                                    [&](Store& s) { return s.conference(request.conference_id); });
    if (!found) return found.error();
    conference = *found;
  }
  if (!conference || conference->customer_id != request.customer_id ||
      conference->status != ConferenceStatus::progressing) {
    return Error::invalid("conference_id", "must be the id of one of your live conferences");
  }
  return {};
}

void EngineCore::create_groupcall(const GroupcallRequest& request,
                                  std::function<void(Result<Groupcall>)> done) {
  if (auto status = admits(request); !status) return done(status.error());
  auto& engine = *context_;
  if (!request.conference_id.is_zero()) {
    if (auto status = joinable(request); !status) return done(status.error());
  }
  auto plan = resolve_dial_plan(request.customer_id, request.ring_method, request.destinations,
                                engine.directory, limits_of(engine));
  if (!plan) return done(plan.error());
  Groupcall base;
  base.id = Uuid::generate();
  base.customer_id = request.customer_id;
  base.owner_type = request.owner_type;
  base.owner_id = request.owner_id;
  base.source = request.source;
  base.master_call_id = request.master_call_id;
  base.ring_method = request.ring_method;
  base.answer_method = request.answer_method;
  base.ring_timeout = request.ring_timeout;
  base.answer_timeout = request.answer_timeout;
  base.conference_id = request.conference_id;
  base.repeats = request.repeats;
  base.fail_on_single_reject = request.fail_on_single_reject;
  launch(std::move(base), std::move(plan).value(),
         DialContext{request.alert_info, request.sdp_offer}, std::move(done));
}

void EngineCore::ring_group_call(const RingGroupCallRequest& request,
                                 std::function<void(Result<Groupcall>)> done) {
  if (auto status = admits(request); !status) return done(status.error());
  auto& engine = *context_;
  ring_service(
      request.customer_id, request.source, request.master_call_id,
      resolve_ring_group(request.customer_id, request.number, engine.directory, limits_of(engine)),
      std::move(done));
}

void EngineCore::instant_group_call_dial(const InstantGroupCallDial& request,
                                         std::function<void(Result<Groupcall>)> done) {
  if (auto status = admits(request); !status) return done(status.error());
  auto& engine = *context_;
  ring_service(request.customer_id, request.source, request.master_call_id,
               resolve_instant_group_call(request.customer_id, request.target, engine.directory,
                                          limits_of(engine)),
               std::move(done));
}

// A call to a configured service (a ring group, an instant group call): its plan
// says how it rings, as whom and for how long.
void EngineCore::ring_service(const Uuid& customer_id, const Address& source,
                              const Uuid& master_call_id, Result<DialPlan> plan,
                              std::function<void(Result<Groupcall>)> done) {
  if (!plan) return done(plan.error());
  Groupcall base;
  base.id = Uuid::generate();
  base.customer_id = customer_id;
  base.owner_type = plan->owner_type;
  base.owner_id = plan->owner_id;
  base.source = source;
  base.master_call_id = master_call_id;
  base.ring_method = plan->ring_method;
  base.ring_timeout = std::max(plan->ring_timeout, 0);
  base.answer_timeout = plan->answer_timeout;
  DialContext context{plan->alert_info, {}};
  launch(std::move(base), std::move(plan).value(), std::move(context), std::move(done));
}

// Registers a resolved groupcall and, once its creation is committed, rings it.
void EngineCore::launch(Groupcall base, DialPlan plan, DialContext dial_context,
                        std::function<void(Result<Groupcall>)> done) {
  auto& engine = *context_;
  if (auto dialable = can_dial(*engine.driver, plan); !dialable) return done(dialable.error());
  auto context = dial_context.alert_info.empty() && dial_context.sdp_offer.empty()
                     ? nullptr
                     : std::make_shared<const DialContext>(std::move(dial_context));
  auto prepared =
      prepare_groupcall(engine, std::move(base), std::make_shared<const DialPlan>(std::move(plan)),
                        std::move(context));
  Result<Groupcall> created = *prepared->groupcall;
  if (!engine.writer) {
    spawn_groupcall(engine, std::move(prepared));
    return done(std::move(created));
  }
  // Nothing rings before the creation is on disk: a refused creation (503) must
  // not have dialled anyone, or a client that retries would ring them twice.
  auto ids = ids_of(*prepared);
  engine.writer->acknowledge_or_withdraw(
      std::move(ids), [this, prepared = std::move(prepared), created = std::move(created),
                       done = std::move(done)](const Status& committed) mutable {
        if (!committed) {
          context_->registry.forget(prepared->groupcall->id);
          return done(committed.error());
        }
        auto actor = spawn_groupcall(*context_, std::move(prepared));
        // Accepted just before a stop began: stop's sweep may have passed it by.
        if (stopping()) caf::anon_send(actor, hangup_atom::value, LegCause::normal);
        done(std::move(created));
      });
}

std::shared_ptr<SubscriptionLink> EngineCore::open_subscription(std::vector<Topic> topics,
                                                                EventCallback callback,
                                                                bool every) {
  auto actor = spawn_subscriber(*system_, std::move(callback));
  auto& bus = context_->bus;
  auto sink = std::make_shared<SubscriberSink>(actor);
  auto id = bus.open(sink, every);
  if (!topics.empty()) bus.add_topics(id, topics);
  auto link = std::make_shared<SubscriptionLink>(bus, id, std::move(sink), [actor] {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  });
  keep(link);
  return link;
}

std::shared_ptr<SubscriptionLink> EngineCore::open_subscription(std::shared_ptr<EventSink> sink,
                                                                bool every_customer) {
  auto& bus = context_->bus;
  auto link = std::make_shared<SubscriptionLink>(bus, bus.open(sink, every_customer), sink);
  keep(link);
  return link;
}

void EngineCore::keep(const std::shared_ptr<SubscriptionLink>& link) {
  std::lock_guard<std::mutex> guard(subscriptions_mutex_);
  subscriptions_.push_back(link);
  // Amortised: a sweep when the list has doubled since the last one.
  if (subscriptions_.size() < 2 * std::max<std::size_t>(subscriptions_swept_, 64)) return;
  subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                                      [](const auto& weak) { return weak.expired(); }),
                       subscriptions_.end());
  subscriptions_swept_ = subscriptions_.size();
}

void EngineCore::close_subscriptions() {
  std::vector<std::weak_ptr<SubscriptionLink>> links;
  {
    std::lock_guard<std::mutex> guard(subscriptions_mutex_);
    links.swap(subscriptions_);
  }
  for (auto& weak : links) {
    if (auto link = weak.lock()) link->close(true);
  }
}

bool EngineCore::wait_until_idle(std::chrono::milliseconds timeout) {
  auto& registry = context_->registry;
  auto idle = [&] {
    return registry.groupcalls.live() == 0 && registry.calls.live() == 0 &&
           registry.conferences.live() == 0 && registry.conferencecalls.live() == 0;
  };
  if (test_scheduler_) {
    // Virtual time: let every timer and message run its course.
    for (int i = 0; i < 1000 && !idle(); ++i) {
      run_pending();
      test_scheduler_->advance_time(std::chrono::milliseconds(10));
      run_pending();
    }
    return idle();
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!idle() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return idle();
}

void EngineCore::end_everything_live(std::chrono::milliseconds timeout, const char* why) {
  auto& engine = *context_;
  // Hang up from the top: nested groupcalls and legs follow their parents.
  for (auto& actor : engine.registry.groupcalls.live_actors()) {
    caf::anon_send(caf::actor_cast<branch_actor>(actor), hangup_atom::value, LegCause::normal);
  }
  // Conferences terminate: their participants leave first.
  for (auto& actor : engine.registry.conferences.live_actors()) {
    caf::anon_send(caf::actor_cast<conference_actor>(actor), hangup_atom::value, LegCause::normal);
  }
  if (wait_until_idle(timeout)) return;
  spdlog::warn(
      "engine {}: {} groupcalls, {} calls, {} conferences and {} conferencecalls "
      "still live after {} ms; forcing",
      why, engine.registry.groupcalls.live(), engine.registry.calls.live(),
      engine.registry.conferences.live(), engine.registry.conferencecalls.live(), timeout.count());
  for (auto& actor : engine.registry.calls.live_actors()) {
    caf::anon_send_exit(actor, caf::exit_reason::kill);
  }
  for (auto& actor : engine.registry.groupcalls.live_actors()) {
    caf::anon_send_exit(actor, caf::exit_reason::kill);
  }
  for (auto& actor : engine.registry.conferencecalls.live_actors()) {
    caf::anon_send_exit(actor, caf::exit_reason::kill);
  }
  for (auto& actor : engine.registry.conferences.live_actors()) {
    caf::anon_send_exit(actor, caf::exit_reason::kill);
  }
  wait_until_idle(std::chrono::milliseconds(1000));
}

bool EngineCore::abandon_live(const std::string& why) {
  auto& engine = *context_;
  auto timeout = std::chrono::milliseconds(engine.options.stop_timeout_ms);
  if (engine.writer) {
    engine.writer->fence(why);
    engine.writer->flush(timeout);  // creations waiting for their commit, so the sweep finds them
  }
  end_everything_live(timeout, "abandoning what it ran");
  // Their endings settle in memory: the registry lets them go.
  return !engine.writer || engine.writer->flush(timeout);
}

void EngineCore::stop() {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  auto& engine = *context_;
  auto timeout = std::chrono::milliseconds(engine.options.stop_timeout_ms);
  // Creations waiting for their commit start first, so that the sweep finds them.
  if (engine.writer) engine.writer->flush(timeout);
  end_everything_live(timeout, "stop");
  // The hangups' events wait for their commit: let them reach subscribers first.
  if (engine.writer && !engine.writer->flush(timeout)) {
    spdlog::warn("engine stop: the store did not commit within {} ms", timeout.count());
  }
  close_subscriptions();
  engine.driver->stop();
  engine.timers.clear();
  for (auto& supervisor : engine.supervisors) {
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  }
  engine.supervisors.clear();
  run_pending();
  if (!test_scheduler_) system_->await_all_actors_done();
  // Last: whatever the hangups above changed is on disk before stop() returns.
  if (engine.writer) engine.writer->stop(timeout);
}

}  // namespace chorus
