#include "race_arena.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "engine_probe.hpp"
#include "model/transitions.hpp"
#include "race_driver.hpp"

namespace chorus::test {

namespace {

Address race_endpoint(const std::string& name) {
  return Address{AddressType::endpoint, name, "", "", ""};
}

Address race_agent(const Uuid& id) {
  return Address{AddressType::agent, id.to_string(), "", "", ""};
}

Address race_ring_group(const std::string& number) {
  return Address{AddressType::ring_group, number, "", "", ""};
}

RingGroupMember race_member(const std::string& number, std::int32_t delay_time = 0,
                            std::int32_t timeout = 0) {
  RingGroupMember m;
  m.value = number;
  m.type = RingGroupMemberType::extension;
  m.delay_time = delay_time;
  m.timeout = timeout;
  return m;
}

std::string name_of(const Uuid& id) {
  return id.to_string();
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
}

// The far end's report, drawn by weight: answers dominate, so that they race.
LegReport draw_report(std::mt19937_64& rng) {
  static const std::pair<LegReport, int> weights[] = {
      {LegReport::answered, 10}, {LegReport::ringing, 3},   {LegReport::busy, 1},
      {LegReport::rejected, 1},  {LegReport::no_answer, 1}, {LegReport::failed, 1},
  };
  int total = 0;
  for (auto& w : weights) total += w.second;
  int roll = std::uniform_int_distribution<int>(0, total - 1)(rng);
  for (auto& w : weights) {
    if ((roll -= w.second) < 0) return w.first;
  }
  return LegReport::answered;
}

}  // namespace

// Every event of the arena's customer since the last clear, with the status its
// snapshot carried.
struct RaceEvents {
  struct Record {
    EventType type;
    Uuid id;
    CallStatus call_status;
  };
  std::mutex mutex;
  std::vector<Record> records;

  std::vector<Record> of(const Uuid& id) {
    std::lock_guard<std::mutex> guard(mutex);
    std::vector<Record> result;
    for (auto& r : records) {
      if (r.id == id) result.push_back(r);
    }
    return result;
  }
};

RaceArena::RaceArena()
    : driver_(std::make_shared<RaceDriver>()), events_(std::make_shared<RaceEvents>()) {
  EngineOptions options;
  options.deterministic = true;
  options.retained_groupcalls = 64;
  engine_ = std::make_unique<Engine>(driver_, options);
  probe_ = std::make_unique<EngineProbe>(*engine_);
  auto events = events_;
  auto sub = engine_->subscribe({"customer_id:" + customer_.to_string()}, [events](const Event& e) {
    std::lock_guard<std::mutex> guard(events->mutex);
    events->records.push_back(
        {e.type(), e.resource_id(), e.call() ? e.call()->status : CallStatus::dialing});
  });
  if (!sub) throw std::runtime_error(sub.error().message);
  subscription_ = std::move(sub).value();

  auto put = [&](std::vector<Address> addresses, RingMethod method) {
    Agent agent;
    agent.customer_id = customer_;
    agent.name = "race agent";
    agent.addresses = std::move(addresses);
    agent.ring_method = method;
    auto stored = engine_->put_agent(agent);
    if (!stored) throw std::runtime_error(stored.error().message);
    agents_.push_back(stored->id);
  };
  put({race_endpoint("a1"), race_endpoint("a2")}, RingMethod::ring_all);
  put({race_endpoint("b1"), race_endpoint("b2")}, RingMethod::linear);
  put({race_endpoint("c1"), race_agent(agents_.front())}, RingMethod::ring_all);
  put_ring_groups();
  put({race_endpoint("d1"), race_ring_group(ring_groups_.front())}, RingMethod::ring_all);
  probe_->run();
  idle_actors_ = probe_->call_actors();
}

// Three extensions (one with two contacts) and a ring group of each Yeastar
// strategy over them: custom with small delays and timeouts and a sub_option
// group, so that its members ring late and stop early within a run's seconds.
void RaceArena::put_ring_groups() {
  const std::vector<std::pair<std::string, std::vector<Address>>> extensions = {
      {"4001", {race_endpoint("e1")}},
      {"4002", {race_endpoint("e2a"), race_endpoint("e2b")}},
      {"4003", {race_endpoint("e3")}},
  };
  for (auto& [number, contacts] : extensions) {
    Extension ext;
    ext.customer_id = customer_;
    ext.name = "race extension " + number;
    ext.extension = number;
    ext.contacts = contacts;
    auto stored = engine_->put_extension(ext);
    if (!stored) throw std::runtime_error(stored.error().message);
  }
  RingGroupMember together;
  together.type = RingGroupMemberType::group;
  together.delay_time = 1;
  together.timeout = 2;
  together.sub_option = std::vector<RingGroupMember>{race_member("4002"), race_member("4003")};
  const std::pair<RingStrategy, std::vector<RingGroupMember>> groups[] = {
      {RingStrategy::ring_all, {race_member("4001"), race_member("4002"), race_member("4003")}},
      {RingStrategy::sequentially, {race_member("4001"), race_member("4002"), race_member("4003")}},
      {RingStrategy::memory_hunt, {race_member("4003"), race_member("4001"), race_member("4002")}},
      {RingStrategy::custom, {race_member("4001", 0, 1), race_member("4003", 2, 2), together}},
  };
  for (auto& [strategy, members] : groups) {
    RingGroup group;
    group.customer_id = customer_;
    group.number = std::to_string(6400 + ring_groups_.size());
    group.name = "race " + std::string(to_string(strategy));
    group.ring_strategy = strategy;
    group.ring_timeout = 1 + static_cast<std::int32_t>(ring_groups_.size() % 2);
    group.member_list = members;
    auto stored = engine_->put_ring_group(group);
    if (!stored) throw std::runtime_error("put_ring_group: " + stored.error().message);
    ring_groups_.push_back(stored->number);
  }
}

RaceArena::~RaceArena() {
  subscription_.cancel();
  probe_.reset();
  engine_.reset();
}

GroupcallRequest RaceArena::draw_request(std::mt19937_64& rng) const {
  static const RingMethod methods[] = {RingMethod::ring_all, RingMethod::ring_all,
                                       RingMethod::linear, RingMethod::memory_hunt};
  GroupcallRequest r;
  r.customer_id = customer_;
  r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
  auto legs = std::uniform_int_distribution<int>(1, 5)(rng);
  for (int i = 0; i < legs; ++i) {
    auto leg = race_endpoint("leg" + std::to_string(i));
    if (rng() % 4 == 0) {  // its own schedule: rings late, or stops early
      leg.delay = static_cast<std::int32_t>(rng() % 3);
      leg.timeout = static_cast<std::int32_t>(rng() % 4);
    }
    r.destinations.push_back(leg);
  }
  auto insert = [&](Address nested) {
    auto at = std::uniform_int_distribution<std::size_t>(0, r.destinations.size())(rng);
    r.destinations.insert(r.destinations.begin() + static_cast<std::ptrdiff_t>(at),
                          std::move(nested));
  };
  if (rng() % 3 == 0) insert(race_agent(pick(rng, agents_)));
  if (rng() % 3 == 0) insert(race_ring_group(pick(rng, ring_groups_)));
  r.ring_method = methods[rng() % 4];
  r.ring_timeout = 1 + static_cast<std::int32_t>(rng() % 3);
  r.answer_timeout = rng() % 2 ? 1 + static_cast<std::int32_t>(rng() % 3) : 0;
  r.repeats = rng() % 5 == 0 ? 1 + static_cast<std::int32_t>(rng() % 2) : 0;
  r.fail_on_single_reject = rng() % 5 == 0;
  return r;
}

// A groupcall drawn from the seed, or (one run in eight) a call routed straight
// to a ring group, as a softswitch does.
Result<Groupcall> RaceArena::start(std::mt19937_64& rng) {
  if (rng() % 8 == 0) {
    RingGroupCallRequest r;
    r.customer_id = customer_;
    r.number = pick(rng, ring_groups_);
    r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    r.master_call_id = Uuid::generate();
    return engine_->ring_group_call(r);
  }
  return engine_->create_groupcall(draw_request(rng));
}

void RaceArena::run_random_job(std::mt19937_64& rng) {
  auto& jobs = probe_->scheduler().jobs;
  std::swap(jobs.front(),
            jobs[std::uniform_int_distribution<std::size_t>(0, jobs.size() - 1)(rng)]);
  probe_->scheduler().run_once();
}

void RaceArena::report_on_a_leg(std::mt19937_64& rng, std::vector<Uuid>& answered) {
  auto dialled = driver_->dialled();
  if (dialled.empty()) return;
  auto leg = pick(rng, dialled);
  auto report = draw_report(rng);
  // A far end hangs up only a call it answered.
  if (std::find(answered.begin(), answered.end(), leg) != answered.end() && rng() % 2) {
    report = LegReport::remote_hangup;
  }
  if (report == LegReport::answered) answered.push_back(leg);
  driver_->report(leg, report);
}

// One thing that happens outside the engine, drawn by weight.
void RaceArena::act(std::mt19937_64& rng, const Uuid& top, std::vector<Uuid>& answered) {
  auto ignore_groupcall = [](Result<Groupcall>) {};
  auto ignore_call = [](Result<Call>) {};
  auto roll = std::uniform_int_distribution<int>(0, 15)(rng);
  if (roll < 10) return report_on_a_leg(rng, answered);
  switch (roll) {
    case 10:
      return engine_->hangup_groupcall(customer_, top, ignore_groupcall);
    case 11:
      return engine_->delete_groupcall(customer_, top, ignore_groupcall);
    case 12: {
      auto g = engine_->groupcall(customer_, top);
      if (g && !g->groupcall_ids.empty()) {
        engine_->hangup_groupcall(customer_, pick(rng, g->groupcall_ids), ignore_groupcall);
      }
      return;
    }
    case 13: {
      auto dialled = driver_->dialled();
      if (dialled.empty()) return;
      auto& leg = pick(rng, dialled);
      if (rng() % 2) return engine_->hangup_call(customer_, leg, ignore_call);
      return engine_->delete_call(customer_, leg, ignore_call);
    }
    default:
      // Ring and answer timers expire (seconds), their messages join the race.
      probe_->scheduler().advance_time(std::chrono::seconds(1));
      return;
  }
}

// Whatever is still live is hung up, as a caller would, and every message runs.
void RaceArena::settle(const Uuid& top) {
  probe_->run();
  auto g = engine_->groupcall(customer_, top);
  if (g && !is_final(g->status)) {
    engine_->hangup_groupcall(customer_, top, [](Result<Groupcall>) {});
    probe_->run();
  }
}

std::optional<std::string> RaceArena::run(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  driver_->clear();
  {
    std::lock_guard<std::mutex> guard(events_->mutex);
    events_->records.clear();
  }
  auto created = start(rng);
  if (!created) return "create: " + created.error().message;
  auto top = created->id;
  std::vector<Uuid> answered;
  auto& jobs = probe_->scheduler().jobs;
  auto actions = std::uniform_int_distribution<int>(3, 14)(rng);
  while (actions > 0 || !jobs.empty()) {
    if (actions > 0 && (jobs.empty() || rng() % 3 == 0)) {
      --actions;
      act(rng, top, answered);
    } else {
      run_random_job(rng);
    }
  }
  settle(top);
  return check(top);
}

std::optional<std::string> RaceArena::check(const Uuid& top) {
  if (auto problem = check_groupcall(top, true)) return problem;
  auto stats = engine_->stats();
  if (stats.live_calls != 0 || stats.live_groupcalls != 0) {
    return "still live: " + std::to_string(stats.live_groupcalls) + " groupcalls, " +
           std::to_string(stats.live_calls) + " calls";
  }
  if (probe_->call_actors() != idle_actors_) {
    return "actors left: " + std::to_string(probe_->call_actors() - idle_actors_);
  }
  return std::nullopt;
}

// `won_chain`: every groupcall above took this one's answer (true at the top).
std::optional<std::string> RaceArena::check_groupcall(const Uuid& id, bool won_chain) {
  auto g = engine_->groupcall(customer_, id);
  if (!g) return "groupcall " + name_of(id) + " unknown";
  auto where = "groupcall " + name_of(id) + ": ";
  if (g->status != GroupcallStatus::hangup) return where + "not hung up";
  if (!g->answer_call_id.is_zero() && !g->answer_groupcall_id.is_zero()) {
    return where + "two winners";
  }
  std::size_t progressing = 0, hangups = 0;
  for (auto& e : events_->of(id)) {
    progressing += e.type == EventType::groupcall_progressing;
    hangups += e.type == EventType::groupcall_hangup;
  }
  if (progressing > 1) return where + "more than one groupcall_progressing";
  if (hangups != 1) return where + std::to_string(hangups) + " groupcall_hangup events";
  auto mine = [](const std::vector<Uuid>& ids, const Uuid& winner) {
    return winner.is_zero() || std::find(ids.begin(), ids.end(), winner) != ids.end();
  };
  if (!mine(g->call_ids, g->answer_call_id) || !mine(g->groupcall_ids, g->answer_groupcall_id)) {
    return where + "its winner is not one of its branches";
  }
  for (auto& call_id : g->call_ids) {
    if (auto problem = check_leg(call_id, *g, won_chain)) return problem;
  }
  for (auto& nested : g->groupcall_ids) {
    if (auto problem = check_groupcall(nested, won_chain && nested == g->answer_groupcall_id)) {
      return problem;
    }
  }
  return std::nullopt;
}

std::optional<std::string> RaceArena::check_leg(const Uuid& id, const Groupcall& owner,
                                                bool won_chain) {
  auto c = engine_->call(customer_, id);
  if (!c) return "call " + name_of(id) + " unknown";
  auto where = "call " + name_of(id) + " (" + std::string(to_string(c->hangup_reason)) + ", " +
               std::string(to_string(c->hangup_by)) + "): ";
  if (c->status != CallStatus::hangup) return where + "not hung up";
  if (c->hangup_reason == HangupReason::unset) return where + "no hangup_reason";
  bool winner = won_chain && id == owner.answer_call_id;
  if (c->hangup_reason == HangupReason::normal && !winner) {
    return where + (owner.answer_call_id.is_zero() ? "ended normal in a groupcall with no winner"
                                                   : "ended normal but is not the winner");
  }
  if (winner && c->hangup_reason != HangupReason::normal &&
      c->hangup_reason != HangupReason::failed) {
    return where + "the winner did not end normal";
  }
  if (driver_->releases(id) > 1) return where + "released more than once";
  if (c->hangup_by == HangupBy::local && driver_->releases(id) != 1) {
    return where + "ended locally but the driver was not told";
  }
  // Its events: created first, one hangup last (only a call_deleted, when it was
  // deleted, after it), every move one the state machine allows.
  auto events = events_->of(id);
  bool deleted = !events.empty() && events.back().type == EventType::call_deleted;
  if (deleted != c->tm_delete.is_set()) {
    return where + (deleted ? "call_deleted but no tm_delete" : "tm_delete but no call_deleted");
  }
  if (deleted) {
    if (events.back().call_status != CallStatus::hangup) return where + "deleted before hangup";
    events.pop_back();
  }
  if (events.empty() || events.front().type != EventType::call_created) {
    return where + "call_created is not its first event";
  }
  if (events.back().type != EventType::call_hangup) return where + "call_hangup is not last";
  auto current = CallStatus::dialing;
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (events[i].type == EventType::call_deleted) return where + "an event after call_deleted";
    auto status = call_status_of(events[i].type).value_or(CallStatus::dialing);
    if (events[i].call_status != status) return where + "an event's snapshot disagrees";
    if (status == current && status == CallStatus::dialing) continue;  // call_dialing
    if (!call_transition_allowed(current, status)) return where + "a move the machine refuses";
    current = status;
  }
  return std::nullopt;
}

}  // namespace chorus::test
