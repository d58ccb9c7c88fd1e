#pragma once
// Shared helpers for the engine tests: building requests and addresses, an
// engine under the deterministic scheduler with a subscription that records
// every event of the test's customer, and checks that a resource's events follow
// its state machine.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine_probe.hpp"
#include "model/transitions.hpp"
#include "printers.hpp"
#include "scripted_driver.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace chorus::test {

inline EngineOptions deterministic_options() {
  EngineOptions options;
  options.deterministic = true;
  return options;
}

inline Address endpoint(std::string target) {
  return Address{AddressType::endpoint, std::move(target), "", "", ""};
}
inline Address agent_destination(const Uuid& agent_id) {
  return Address{AddressType::agent, agent_id.to_string(), "", "", ""};
}
// An extension dialled by its number, as VoIPbin writes it (target_name).
inline Address extension_number(std::string number) {
  return Address{AddressType::extension, "", std::move(number), "", ""};
}

// One delivered event, kept after the Event itself is gone.
struct EventRecord {
  EventType type;
  ResourceKind kind;
  Uuid id;
  Uuid customer_id;
  std::shared_ptr<const Call> call;
  std::shared_ptr<const Groupcall> groupcall;
  std::shared_ptr<const Conference> conference = nullptr;
  std::shared_ptr<const Conferencecall> conferencecall = nullptr;
};

// Records events from a subscription callback; safe from any thread, and safe to
// outlive or be outlived by the engine (the callback shares the storage).
class EventLog {
 public:
  EventCallback callback() const {
    auto state = state_;
    return [state](const Event& e) {
      std::lock_guard<std::mutex> guard(state->mutex);
      state->events.push_back(EventRecord{e.type(), e.kind(), e.resource_id(), e.customer_id(),
                                          e.call(), e.groupcall(), e.conference(),
                                          e.conferencecall()});
    };
  }

  std::vector<EventRecord> events() const {
    std::lock_guard<std::mutex> guard(state_->mutex);
    return state_->events;
  }
  std::vector<EventRecord> events_of(const Uuid& id) const {
    std::vector<EventRecord> result;
    for (auto& e : events()) {
      if (e.id == id) result.push_back(e);
    }
    return result;
  }
  std::vector<EventType> types_of(const Uuid& id) const {
    std::vector<EventType> result;
    for (auto& e : events_of(id)) result.push_back(e.type);
    return result;
  }
  std::size_t count(EventType type) const {
    std::size_t n = 0;
    for (auto& e : events()) n += e.type == type;
    return n;
  }
  std::size_t count(const Uuid& id, EventType type) const {
    std::size_t n = 0;
    for (auto& e : events()) n += e.id == id && e.type == type;
    return n;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> guard(state_->mutex);
    return state_->events.size();
  }
  void clear() {
    std::lock_guard<std::mutex> guard(state_->mutex);
    state_->events.clear();
  }

 private:
  struct State {
    std::mutex mutex;
    std::vector<EventRecord> events;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

inline std::string describe(const std::vector<EventType>& types) {
  std::string text;
  for (auto t : types) {
    if (!text.empty()) text += ", ";
    text += std::string(to_string(t));
  }
  return "[" + text + "]";
}

inline std::vector<EventType> types_of(const std::vector<EventRecord>& events) {
  std::vector<EventType> types;
  for (auto& e : events) types.push_back(e.type);
  return types;
}

// A leg's events, in delivery order, must be: call_created, call_dialing (absent
// only when the leg's actor died while dialling), then one event per allowed
// status move, ending with exactly one call_hangup; each snapshot carries the
// status its event names. Only a call_deleted (the ended snapshot, tm_delete set)
// may follow call_hangup, and nothing follows it.
inline ::testing::AssertionResult valid_call_history(const std::vector<EventRecord>& events) {
  auto types = types_of(events);
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << " in " << describe(types);
  };
  if (events.empty()) return fail("no events");
  if (events.front().type != EventType::call_created) return fail("call_created not first");
  auto lived = events.size();  // the events up to call_hangup
  if (events.back().type == EventType::call_deleted) {
    auto& deleted = events.back().call;
    if (!deleted || deleted->status != CallStatus::hangup || !deleted->tm_delete.is_set()) {
      return fail("call_deleted without an ended, deleted snapshot");
    }
    --lived;
  }
  if (lived == 0 || events[lived - 1].type != EventType::call_hangup) {
    return fail("call_hangup not last (before any call_deleted)");
  }
  CallStatus current = CallStatus::dialing;
  for (std::size_t i = 0; i < lived; ++i) {
    auto& e = events[i];
    if (!e.call) return fail("event without a call snapshot");
    if (e.type == EventType::call_deleted) return fail("an event after call_deleted");
    if (e.type == EventType::call_updated) {
      // Fields changed (its conference), its status did not.
      if (i < 2 || e.call->status != current) return fail("call_updated changed the status");
      continue;
    }
    auto status = call_status_of(e.type);
    if (!status) return fail("a non-call event");
    if (e.call->status != *status) return fail("snapshot status disagrees with its event");
    if (i == 0) continue;
    if (e.type == EventType::call_created) return fail("call_created twice");
    if (e.type == EventType::call_dialing) {
      if (i != 1) return fail("call_dialing not second");
      continue;
    }
    if (i == 1 && e.type != EventType::call_hangup) return fail("call_dialing missing");
    if (!call_transition_allowed(current, *status)) return fail("a move the state machine refuses");
    current = *status;
  }
  return ::testing::AssertionSuccess();
}

// A groupcall's events: groupcall_created first, groupcall_hangup last, and at
// most one groupcall_progressing (naming its winner) in between.
inline ::testing::AssertionResult valid_groupcall_history(const std::vector<EventRecord>& events) {
  auto types = types_of(events);
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << " in " << describe(types);
  };
  if (events.empty()) return fail("no events");
  if (events.front().type != EventType::groupcall_created) return fail("created not first");
  if (events.back().type != EventType::groupcall_hangup) return fail("hangup not last");
  if (events.back().groupcall->status != GroupcallStatus::hangup) return fail("hangup snapshot");
  std::size_t progressing = 0;
  for (std::size_t i = 1; i + 1 < events.size(); ++i) {
    if (events[i].type != EventType::groupcall_progressing) return fail("unexpected event");
    auto& g = *events[i].groupcall;
    if (g.answer_call_id.is_zero() == g.answer_groupcall_id.is_zero()) {
      return fail("groupcall_progressing without exactly one winner");
    }
    ++progressing;
  }
  if (progressing > 1) return fail("more than one groupcall_progressing");
  return ::testing::AssertionSuccess();
}

// An engine under CAF's deterministic scheduler, a driver, and a subscription to
// every event of one customer.
template <class Driver>
class Harness {
 public:
  explicit Harness(EngineOptions options = deterministic_options(),
                   std::shared_ptr<Store> store = nullptr)
      : driver(std::make_shared<Driver>()),
        engine(driver, options, std::move(store)),
        probe(engine) {
    auto sub = engine.subscribe({"customer_id:" + customer.to_string()}, log.callback());
    if (!sub) throw std::runtime_error(sub.error().message);
    subscription = std::move(sub).value();
  }

  GroupcallRequest request(std::vector<Address> destinations,
                           RingMethod method = RingMethod::ring_all) const {
    GroupcallRequest r;
    r.customer_id = customer;
    r.source = Address{AddressType::tel, "+15550001000", "", "", ""};
    r.destinations = std::move(destinations);
    r.ring_method = method;
    return r;
  }

  // Creates the groupcall and runs until nothing is pending; throws on refusal.
  Groupcall create(const GroupcallRequest& request) {
    auto created = engine.create_groupcall(request);
    if (!created) throw std::runtime_error("create_groupcall: " + created.error().message);
    probe.run();
    return *created;
  }

  // The smallest tree with a nested groupcall: an agent at x1 and x2, beside p.
  Groupcall create_with_agent() {
    Agent agent;
    agent.customer_id = customer;
    agent.addresses = {endpoint("x1"), endpoint("x2")};
    auto put = engine.put_agent(agent);
    if (!put) throw std::runtime_error("put_agent: " + put.error().message);
    return create(request({agent_destination(put->id), endpoint("p")}));
  }

  // An extension of the test's customer at `contacts`; throws on refusal.
  Extension add_extension(std::string number, std::vector<Address> contacts) {
    Extension ext;
    ext.customer_id = customer;
    ext.name = "ext " + number;
    ext.extension = std::move(number);
    ext.contacts = std::move(contacts);
    auto put = engine.put_extension(ext);
    if (!put) throw std::runtime_error(put.error().message);
    return *put;
  }

  Groupcall groupcall(const Uuid& id) const {
    auto g = engine.groupcall(customer, id);
    if (!g) throw std::runtime_error("groupcall " + id.to_string() + ": " + g.error().message);
    return *g;
  }
  Call call(const Uuid& id) const {
    auto c = engine.call(customer, id);
    if (!c) throw std::runtime_error("call " + id.to_string() + ": " + c.error().message);
    return *c;
  }

  void run() { probe.run(); }
  void advance_ms(int ms) { probe.advance(std::chrono::milliseconds(ms)); }

  // Call and groupcall actors still running, once the test's own subscription
  // (an actor too) is closed. Ends event recording.
  std::size_t actors_left() {
    subscription.cancel();
    probe.run();
    return probe.call_actors();
  }

  std::shared_ptr<Driver> driver;
  EventLog log;  // before the engine: outlives it
  Engine engine;
  EngineProbe probe;
  Uuid customer = Uuid::generate();
  Subscription subscription;
};

// With the scripted driver: the test plays the far end.
class ScriptedHarness : public Harness<ScriptedDriver> {
 public:
  using Harness::Harness;

  Uuid leg(const std::string& target) const {
    auto id = driver->call_for(target);
    if (!id) throw std::runtime_error("never dialled: " + target);
    return *id;
  }
  // Reports for the leg dialled to `target`, then runs.
  void report(const std::string& target, LegReport what) {
    driver->report(leg(target), what);
    probe.run();
  }
  void report(const Uuid& call_id, LegReport what) {
    driver->report(call_id, what);
    probe.run();
  }
};

using SimulatedHarness = Harness<SimulatedLegDriver>;

class ScriptedEngineTest : public ::testing::Test, public ScriptedHarness {};
class SimulatedEngineTest : public ::testing::Test, public SimulatedHarness {};

}  // namespace chorus::test
