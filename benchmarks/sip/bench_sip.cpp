// bench_sip: SIP groupcalls per second through the embedding API and the SIP leg
// driver. Each groupcall rings three destinations at once (ring_all; in
// run_sip_benchmarks.sh three sipp UAS processes: one answers, two ring until
// they are cancelled), and is hung up as soon as its winner answers: INVITE x3,
// 180 x3, 200, ACK, CANCEL x2 (487, ACK), BYE. At most --in-flight groupcalls are
// live at once; --rate paces creations (0: as fast as the window allows).
//
//   bench_sip --destinations URI,URI,URI [--groupcalls N | --duration S]
//             [--in-flight K] [--rate R] [--listen HOST:PORT] [--peer-pids P,P,...]
//
// Prints, as "key: value" lines (run_sip_benchmarks.sh reads them): groupcalls
// completed and failed, groupcalls/s, setup-to-answer p50/p99 (creation to the
// winner's call_progressing event), CPU seconds of this process and of the peer
// processes (read from /proc/<pid>/stat) over the run, and per groupcall, and how
// the legs ended (one normal and two cancel per groupcall when all goes well).
// Exits 1 when any groupcall failed.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/engine.hpp"
#include "benchmarks/flag_number.hpp"
#include "benchmarks/in_flight_window.hpp"
#include "benchmarks/load/latency_log.hpp"
#include "benchmarks/load/process_cpu.hpp"
#include "transport/sip/sip_leg_driver.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::vector<std::string> destinations;
  long groupcalls = 20000;
  long duration_s = 0;  // when set, runs this long instead of --groupcalls
  long in_flight = 100;
  long rate = 0;
  std::string listen = "127.0.0.1:0";
  std::vector<long> peer_pids;
};

constexpr char usage[] =
    "bench_sip --destinations URI,URI,... [--groupcalls N | --duration S]\n"
    "                 [--in-flight K] [--rate R] [--listen HOST:PORT]\n"
    "                 [--peer-pids PID,PID,...]";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Process ids, comma-separated.
bool parse_pids(const char* text, std::vector<long>& pids) {
  for (auto& pid : split(text, ',')) {
    long parsed = 0;
    if (!chorus::bench::parse_number(pid.c_str(), 1, 1L << 22, parsed)) return false;
    pids.push_back(parsed);
  }
  return true;
}

bool parse_flag(std::string_view name, const char* value, Flags& flags) {
  using chorus::bench::parse_number;
  if (name == "--destinations") return flags.destinations = split(value, ','), true;
  if (name == "--groupcalls") return parse_number(value, 1, 100000000, flags.groupcalls);
  if (name == "--duration") return parse_number(value, 1, 86400, flags.duration_s);
  if (name == "--in-flight") return parse_number(value, 1, 100000, flags.in_flight);
  if (name == "--rate") return parse_number(value, 0, 1000000, flags.rate);
  if (name == "--listen") return flags.listen = value, true;
  if (name == "--peer-pids") return parse_pids(value, flags.peer_pids);
  return false;
}

std::optional<Flags> parse_flags(int argc, char** argv) {
  Flags flags;
  auto take = [&](std::string_view name, const char* value) {
    return parse_flag(name, value, flags);
  };
  if (!chorus::bench::for_each_flag(argc, argv, take) || flags.destinations.empty()) {
    return std::nullopt;
  }
  return flags;
}

// CPU seconds of the peers together; one that is gone adds nothing.
double cpu_seconds_of(const std::vector<long>& pids) {
  double sum = 0;
  for (long pid : pids) sum += std::max(0.0, chorus::bench::cpu_seconds_of(pid));
  return sum;
}

// Follows every groupcall from its creation to its hangup. Events may overtake
// the creation's reply (the winner can answer before create's callback runs), so
// an answer or hangup of an unknown groupcall is parked until it is registered.
class Tracker {
 public:
  Tracker(chorus::Engine& engine, chorus::Uuid customer, std::size_t in_flight)
      : engine_(engine), customer_(customer), window_(in_flight) {}

  void create(const chorus::GroupcallRequest& request) {
    window_.enter();
    issued_.fetch_add(1, std::memory_order_relaxed);
    auto started = Clock::now();
    engine_.create_groupcall(request, [this, started](chorus::Result<chorus::Groupcall> made) {
      if (!made) {
        std::string failure = "create: " + made.error().message;
        create_failures_.fetch_add(1, std::memory_order_relaxed);
        finished_.fetch_add(1, std::memory_order_relaxed);
        window_.leave(&failure);
        return;
      }
      created(made->id, started);
    });
  }

  void on_event(const chorus::Event& event) {
    switch (event.type()) {
      case chorus::EventType::call_progressing:
        answered(event.call()->groupcall_id, Clock::now());
        break;
      case chorus::EventType::call_hangup:
        legs_ended_[static_cast<std::size_t>(event.call()->hangup_reason)].fetch_add(
            1, std::memory_order_relaxed);
        break;
      case chorus::EventType::groupcall_hangup:
        if (event.groupcall()->master_groupcall_id.is_zero()) hung_up(event.groupcall()->id);
        break;
      default:
        break;
    }
  }

  std::uint64_t issued() const { return issued_.load(); }
  std::uint64_t finished() const { return finished_.load(); }
  std::uint64_t completed() const { return completed_.load(); }
  std::uint64_t unanswered() const { return unanswered_.load(); }
  std::uint64_t create_failures() const { return create_failures_.load(); }
  std::uint64_t legs_ended(chorus::HangupReason reason) const {
    return legs_ended_[static_cast<std::size_t>(reason)].load();
  }
  std::optional<std::string> first_failure() const { return window_.first_failure(); }
  Clock::time_point last_completion() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return last_completion_;
  }
  // Setup-to-answer latencies, sorted for percentiles.
  chorus::bench::LatencyLog latencies() const {
    std::vector<chorus::bench::LatencyLog> logs;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      logs.push_back(latencies_);
    }
    return chorus::bench::LatencyLog::merged(logs);
  }

 private:
  struct Live {
    Clock::time_point started;
    bool answered = false;
  };

  void created(const chorus::Uuid& id, Clock::time_point started) {
    bool hang_up = false;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      Live live{started};
      if (auto early = early_answers_.find(id); early != early_answers_.end()) {
        live.answered = hang_up = true;
        latencies_.add(early->second - started);
        early_answers_.erase(early);
      }
      if (early_hangups_.erase(id) > 0) {
        finish(live.answered);  // already over: nothing left to hang up
        return;
      }
      live_.emplace(id, live);
    }
    if (hang_up) hangup(id);
  }

  void answered(const chorus::Uuid& groupcall_id, Clock::time_point at) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      auto live = live_.find(groupcall_id);
      if (live == live_.end()) {
        early_answers_.emplace(groupcall_id, at);
        return;
      }
      if (live->second.answered) return;
      live->second.answered = true;
      latencies_.add(at - live->second.started);
    }
    hangup(groupcall_id);
  }

  void hung_up(const chorus::Uuid& id) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto live = live_.find(id);
    if (live == live_.end()) {
      early_hangups_.insert(id);
      return;
    }
    bool was_answered = live->second.answered;
    live_.erase(live);
    finish(was_answered);
  }

  // Under mutex_.
  void finish(bool was_answered) {
    (was_answered ? completed_ : unanswered_).fetch_add(1, std::memory_order_relaxed);
    if (was_answered) last_completion_ = Clock::now();
    finished_.fetch_add(1, std::memory_order_relaxed);
    static const std::string unanswered = "a groupcall ended without an answer";
    window_.leave(was_answered ? nullptr : &unanswered);
  }

  void hangup(const chorus::Uuid& id) {
    engine_.hangup_groupcall(customer_, id, [](chorus::Result<chorus::Groupcall>) {});
  }

  chorus::Engine& engine_;
  chorus::Uuid customer_;
  chorus::bench::InFlightWindow window_;
  mutable std::mutex mutex_;
  std::unordered_map<chorus::Uuid, Live> live_;
  std::unordered_map<chorus::Uuid, Clock::time_point> early_answers_;
  std::unordered_set<chorus::Uuid> early_hangups_;
  chorus::bench::LatencyLog latencies_;
  Clock::time_point last_completion_{};
  std::atomic<std::uint64_t> issued_{0}, finished_{0}, completed_{0}, unanswered_{0},
      create_failures_{0};
  std::array<std::atomic<std::uint64_t>, 9> legs_ended_{};
};

chorus::GroupcallRequest request_for(const chorus::Uuid& customer,
                                     const std::vector<std::string>& destinations) {
  chorus::GroupcallRequest request;
  request.customer_id = customer;
  request.source = {chorus::AddressType::tel, "+15550100", "", "bench", ""};
  request.ring_method = chorus::RingMethod::ring_all;
  for (auto& uri : destinations) {
    request.destinations.push_back({chorus::AddressType::sip, uri, "", "", ""});
  }
  return request;
}

// Creates groupcalls until the count or the duration is reached, paced by --rate
// when it is set; the window bounds how many are live.
void drive(Tracker& tracker, const chorus::GroupcallRequest& request, const Flags& flags,
           Clock::time_point started) {
  auto deadline = started + std::chrono::seconds(flags.duration_s);
  for (long i = 0;; ++i) {
    if (flags.duration_s > 0 ? Clock::now() >= deadline : i >= flags.groupcalls) return;
    if (flags.rate > 0) {
      std::this_thread::sleep_until(started + std::chrono::microseconds(i * 1000000 / flags.rate));
    }
    tracker.create(request);
  }
}

struct CpuSample {
  double self = 0;
  double peers = 0;
};

CpuSample sample_cpu(const std::vector<long>& peer_pids) {
  return {chorus::bench::cpu_seconds_self(), cpu_seconds_of(peer_pids)};
}

// Waits for every groupcall issued to end: a destination that never answers
// ends with Timer B (32 s by default), so the wait is bounded past that.
// `at_last_completion` is the CPU sampled when the count of completed groupcalls
// last moved: idle schedulers (CAF's, sipp's) still spin a little while a failed
// groupcall waits out Timer B, and that is not the cost of the ones completed.
bool drain(const Tracker& tracker, const std::vector<long>& peer_pids, std::chrono::seconds limit,
           CpuSample& at_last_completion) {
  auto deadline = Clock::now() + limit;
  auto seen = tracker.completed();
  at_last_completion = sample_cpu(peer_pids);
  while (tracker.finished() < tracker.issued()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (auto completed = tracker.completed(); completed != seen) {
      seen = completed;
      at_last_completion = sample_cpu(peer_pids);
    }
  }
  return true;
}

// The rate counts completed groupcalls over the time to the last of them: a
// failed one that waits out Timer B would otherwise stretch a whole run. Failures
// are printed beside it.
void report(const Tracker& tracker, const Flags& flags, Clock::time_point started, double elapsed_s,
            const CpuSample& cpu, const CpuSample& cpu_total, bool drained) {
  auto completed = tracker.completed();
  auto failed = tracker.unanswered() + tracker.create_failures() +
                (drained ? 0 : tracker.issued() - tracker.finished());
  auto per = [&](double cpu) { return completed > 0 ? cpu * 1000.0 / completed : 0.0; };
  auto latencies = tracker.latencies();
  std::printf("destinations: %zu\n", flags.destinations.size());
  std::printf("in_flight_limit: %ld\n", flags.in_flight);
  std::printf("groupcalls_completed: %llu\n", static_cast<unsigned long long>(completed));
  std::printf("groupcalls_failed: %llu\n", static_cast<unsigned long long>(failed));
  double completing_s =
      completed > 0 ? std::chrono::duration<double>(tracker.last_completion() - started).count()
                    : 0.0;
  std::printf("elapsed_s: %.3f\n", elapsed_s);
  std::printf("completing_s: %.3f\n", completing_s);
  std::printf("groupcalls_per_s: %.0f\n", completing_s > 0 ? completed / completing_s : 0.0);
  std::printf("setup_to_answer_p50_ms: %.3f\n", latencies.percentile_ms(0.5));
  std::printf("setup_to_answer_p99_ms: %.3f\n", latencies.percentile_ms(0.99));
  // CPU up to the last completion (per groupcall), and up to the end of the wait.
  std::printf("cpu_s_self: %.3f\n", cpu.self);
  std::printf("cpu_s_self_total: %.3f\n", cpu_total.self);
  std::printf("cpu_ms_per_groupcall_self: %.4f\n", per(cpu.self));
  std::printf("cpu_s_peers: %.3f\n", cpu.peers);
  std::printf("cpu_ms_per_groupcall_peers: %.4f\n", per(cpu.peers));
  using chorus::HangupReason;
  std::printf("legs_ended: normal %llu, cancel %llu, failed %llu, busy %llu, other %llu\n",
              static_cast<unsigned long long>(tracker.legs_ended(HangupReason::normal)),
              static_cast<unsigned long long>(tracker.legs_ended(HangupReason::cancel)),
              static_cast<unsigned long long>(tracker.legs_ended(HangupReason::failed)),
              static_cast<unsigned long long>(tracker.legs_ended(HangupReason::busy)),
              static_cast<unsigned long long>(tracker.legs_ended(HangupReason::unset) +
                                              tracker.legs_ended(HangupReason::timeout) +
                                              tracker.legs_ended(HangupReason::noanswer) +
                                              tracker.legs_ended(HangupReason::dialout) +
                                              tracker.legs_ended(HangupReason::amd)));
  if (auto failure = tracker.first_failure()) std::printf("first_failure: %s\n", failure->c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const auto flags = chorus::bench::options_or_usage(argc, argv, parse_flags, usage);
  chorus::SipOptions sip;
  sip.listen = flags.listen;
  sip.user_agent = "Chorus-bench";
  std::shared_ptr<chorus::SipLegDriver> driver;
  try {
    driver = std::make_shared<chorus::SipLegDriver>(sip);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_sip: %s\n", e.what());
    return 2;
  }
  chorus::EngineOptions options;
  options.retained_groupcalls = 1;  // measure live groupcalls, not history
  options.retained_calls = 3;
  chorus::Engine engine(driver, options);
  auto customer = chorus::Uuid::generate();
  Tracker tracker(engine, customer, static_cast<std::size_t>(flags.in_flight));
  auto subscription = engine.subscribe_all([&](const chorus::Event& e) { tracker.on_event(e); });
  auto request = request_for(customer, flags.destinations);
  std::fprintf(stderr, "bench_sip: listening on %s, ringing %zu destinations\n",
               driver->listen_address().c_str(), flags.destinations.size());

  auto before = sample_cpu(flags.peer_pids);
  auto started = Clock::now();
  drive(tracker, request, flags, started);
  CpuSample at_last_completion;
  bool drained = drain(tracker, flags.peer_pids, std::chrono::seconds(60), at_last_completion);
  double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
  auto after = sample_cpu(flags.peer_pids);

  report(tracker, flags, started, elapsed_s,
         {at_last_completion.self - before.self, at_last_completion.peers - before.peers},
         {after.self - before.self, after.peers - before.peers}, drained);
  subscription.cancel();
  engine.stop();
  bool clean = drained && tracker.unanswered() == 0 && tracker.create_failures() == 0;
  return clean ? 0 : 1;
}
