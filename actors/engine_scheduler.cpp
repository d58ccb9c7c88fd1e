#include "actors/engine_scheduler.hpp"

#include <pthread.h>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/logger.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace chorus {

namespace {

// CAF's thread-safe clock, minus the cancellation push for actors that never set
// a timeout. Timeouts are set and cancelled by their own actor (a behaviour's
// `after`, a request's deadline), so an actor's mark is always written before its
// own cleanup reads it.
class EngineClock final : public caf::detail::thread_safe_actor_clock {
 public:
  using super = caf::detail::thread_safe_actor_clock;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            std::uint64_t id) override {
    remember(self->id());
    super::set_ordinary_timeout(t, self, type, id);
  }

  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override {
    remember(self->id());
    super::set_request_timeout(t, self, id);
  }

  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         std::uint64_t id) override {
    remember(self->id());
    super::set_multi_timeout(t, self, type, id);
  }

  void cancel_timeouts(caf::abstract_actor* self) override {
    if (!forget(self->id())) return;
    cancellations_sent_.fetch_add(1, std::memory_order_relaxed);
    super::cancel_timeouts(self);
  }

  std::uint64_t cancellations_sent() const noexcept {
    return cancellations_sent_.load(std::memory_order_relaxed);
  }

 private:
  // Sharded so that actors quitting on different workers rarely meet on a lock.
  struct Marks {
    std::mutex mutex;
    std::unordered_set<caf::actor_id> ids;
    // ids.size(), readable without the lock: nearly every quitting actor finds
    // its shard empty and skips the mutex. An actor's own mark was counted by
    // its own earlier handler, so its cleanup never misses it.
    std::atomic<std::size_t> count{0};
  };
  static constexpr std::size_t shard_count = 16;

  Marks& marks_for(caf::actor_id id) { return marks_[id % shard_count]; }

  void remember(caf::actor_id id) {
    auto& marks = marks_for(id);
    std::lock_guard<std::mutex> guard(marks.mutex);
    if (marks.ids.insert(id).second) marks.count.fetch_add(1, std::memory_order_relaxed);
  }

  bool forget(caf::actor_id id) {
    auto& marks = marks_for(id);
    if (marks.count.load(std::memory_order_relaxed) == 0) return false;
    std::lock_guard<std::mutex> guard(marks.mutex);
    if (marks.ids.erase(id) == 0) return false;
    marks.count.fetch_sub(1, std::memory_order_relaxed);
    return true;
  }

  std::array<Marks, shard_count> marks_;
  std::atomic<std::uint64_t> cancellations_sent_{0};
};

// CAF's work stealing, on workers without CAF's logger. CAF 0.17 as Debian
// builds it records which actor each thread runs in its logger's map, behind one
// spinlock, whenever a job starts or ends and an actor launches or is destroyed,
// whether or not anything is ever logged; with two workers that lock's cache
// line bounced between the cores (8% of a burst of ring timeouts at a million
// legs). The engine never turns CAF's log on (its verbosity is quiet; the engine
// logs through spdlog), so a worker drops the logger before each job. CAF makes
// it current again as a worker starts and whenever an actor is spawned there,
// so the check is per job: a thread-local read, and a write after a spawn.
//
// Each worker also has a timer lane beside its queue (see TimerLane in the header):
// what the clock thread and a firing supervisor wake goes there, and a worker
// takes from its lane, then steals from others' lanes, before any other work.
// Without it a timeout's actor waited behind every job queued before it: at a
// million ringing legs timing out, teardown work held ring timeouts back tens
// of milliseconds.
class EnginePolicy : public caf::policy::work_stealing {
 public:
  using super = caf::policy::work_stealing;

  struct worker_data : super::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* parent)
        : super::worker_data(parent) {}
    worker_data(const worker_data& other) : super::worker_data(other) {}
    queue_type timer_lane;
  };

  template <class Worker>
  void before_resume(Worker*, caf::resumable*) {
    if (caf::logger::current_logger() != nullptr) caf::logger::set_current_actor_system(nullptr);
  }

  // From another thread (the clock's, an I/O thread): to the back of the lane or
  // the queue, waking the worker if it sleeps.
  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    auto& data = self->data();
    (TimerLane::open() ? data.timer_lane : data.queue).append(job);
    std::unique_lock<std::mutex> guard(data.waitdata.lock);
    if (data.waitdata.sleeping) data.waitdata.cv.notify_one();
  }

  // From the worker itself: the lane in firing order; other work to the front of
  // the queue, as CAF does (the newest job's data is the warmest).
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    if (TimerLane::open()) return self->data().timer_lane.append(job);
    self->data().queue.prepend(job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    for (auto& strategy : {self->data().strategies[0], self->data().strategies[1]}) {
      for (std::size_t i = 0; i < strategy.attempts; i += strategy.step_size) {
        if (auto* job = take(self, i % strategy.steal_interval == 0)) return job;
        if (strategy.sleep_duration.count() > 0)
          std::this_thread::sleep_for(strategy.sleep_duration);
      }
    }
    // Nothing for a while: sleep until a job comes or the relaxed interval passes.
    auto& data = self->data();
    auto& relaxed = data.strategies[2];
    for (std::size_t i = 1;; ++i) {
      {
        std::unique_lock<std::mutex> guard(data.waitdata.lock);
        data.waitdata.sleeping = true;
        data.waitdata.cv.wait_for(guard, relaxed.sleep_duration,
                                  [&] { return !data.timer_lane.empty() || !data.queue.empty(); });
        data.waitdata.sleeping = false;
      }
      if (auto* job = take(self, i % relaxed.steal_interval == 0)) return job;
    }
  }

 private:
  // The worker's own lane, others' lanes, its own queue, then (if `steal`)
  // others' queues: the oldest job of another worker, as CAF steals.
  template <class Worker>
  caf::resumable* take(Worker* self, bool steal) {
    if (auto* job = take_head(self->data().timer_lane)) return job;
    auto* parent = self->parent();
    for (std::size_t k = 0; k < parent->num_workers(); ++k) {
      if (k == self->id()) continue;
      if (auto* job = take_head(parent->worker_by_id(k)->data().timer_lane)) return job;
    }
    if (auto* job = self->data().queue.take_head()) return job;
    return steal ? try_steal(self) : nullptr;
  }

  // Without taking the queue's lock when it is empty (the lanes nearly always
  // are, and every poll looks at each of them).
  static caf::resumable* take_head(queue_type& queue) {
    return queue.empty() ? nullptr : queue.take_head();
  }
};

}  // namespace
}  // namespace chorus

// CAF's worker loop, for the engine's policy, minus the logger's bookkeeping. CAF
// 0.17's loop casts every job to abstract_actor to note its id for the logger
// (CAF_PUSH_AID_FROM_PTR), whether or not a logger is current: a cross-cast through
// RTTI, with a strcmp of type names, on every job (3-4% of bench_engine's /1).
// The engine's workers run without the logger (EnginePolicy::before_resume), so
// the id is never read. Otherwise the loop is CAF's: the same policy calls, in the
// same order. An explicit specialisation of the member is declared before anything
// instantiates it, here, in the only translation unit that names EnginePolicy.
template <>
void caf::scheduler::worker<chorus::EnginePolicy>::run() {
  for (;;) {
    auto* job = policy_.dequeue(this);
    policy_.before_resume(this, job);
    auto result = job->resume(this, max_throughput_);
    policy_.after_resume(this, job);
    switch (result) {
      case resumable::resume_later:
        policy_.resume_job_later(this, job);  // stays referenced: it is queued again
        break;
      case resumable::done:
        policy_.after_completion(this, job);
        intrusive_ptr_release(job);
        break;
      case resumable::awaiting_message:
        intrusive_ptr_release(job);  // enqueued again when a message comes
        break;
      case resumable::shutdown_execution_unit:
        policy_.after_completion(this, job);
        policy_.before_shutdown(this);
        return;
    }
  }
}

namespace chorus {
namespace {

// CAF's coordinator with the EnginePolicy, answering clock() with the EngineClock
// and running its dispatch loop. The base class still starts its own clock
// thread; nothing ever reaches that clock, so the thread sleeps until shutdown.
class EngineCoordinator final : public caf::scheduler::coordinator<EnginePolicy> {
 public:
  using super = caf::scheduler::coordinator<EnginePolicy>;

  explicit EngineCoordinator(caf::actor_system& system) : super(system) {}

  EngineClock& clock() noexcept override { return clock_; }

 protected:
  void start() override {
    dispatch_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "chorus.clock");
      // Everything the clock delivers is a timer firing.
      TimerLane lane;
      system().thread_started();
      clock_.run_dispatch_loop();
      system().thread_terminates();
    });
    super::start();
  }

  // Workers stop first: nothing schedules on the clock once they are gone.
  void stop() override {
    super::stop();
    clock_.cancel_dispatch_loop();
    dispatch_.join();
  }

 private:
  EngineClock clock_;
  std::thread dispatch_;
};

}  // namespace

namespace {
thread_local bool timer_lane_open = false;
}  // namespace

TimerLane::TimerLane() noexcept : previous_(timer_lane_open) {
  timer_lane_open = true;
}

TimerLane::~TimerLane() {
  timer_lane_open = previous_;
}

bool TimerLane::open() noexcept {
  return timer_lane_open;
}

std::uint64_t timeout_cancellations_sent(caf::actor_system& system) {
  auto* coordinator = dynamic_cast<EngineCoordinator*>(&system.scheduler());
  return coordinator ? coordinator->clock().cancellations_sent() : 0;
}

void use_engine_scheduler(caf::actor_system_config& config) {
  config.module_factories.push_back([](caf::actor_system& system) -> caf::actor_system::module* {
    return new EngineCoordinator(system);
  });
}

}  // namespace chorus
