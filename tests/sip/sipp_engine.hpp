#pragma once
// The engine as an embedding softswitch runs it, with the SIP driver listening on
// 127.0.0.1 and sipp playing the destinations: a fixture that starts both, and a
// record of every event that tests wait on (a condition variable, never a sleep).

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "sipp_process.hpp"
#include "tests/engine/printers.hpp"
#include "transport/sip/sip_leg_driver.hpp"

namespace chorus::test {

using namespace std::chrono_literals;

// What the events said so far: each call's and groupcall's latest snapshot and how
// many times each was hung up. Shared with the subscription's callback, so it may
// outlive the engine or be outlived by it.
class SipEvents {
 public:
  struct Seen {
    std::map<Uuid, Call> calls;
    std::map<Uuid, Groupcall> groupcalls;
    std::map<Uuid, int> call_hangups;
    std::map<Uuid, int> groupcall_hangups;
    std::map<Uuid, std::vector<CallStatus>> call_statuses;  // in the order published
  };

  EventCallback callback() const {
    auto state = state_;
    return [state](const Event& e) {
      std::lock_guard<std::mutex> guard(state->mutex);
      record(state->seen, e);
      state->changed.notify_all();
    };
  }

  // Waits until `done(seen)` holds; false when `timeout` passed first.
  template <class Predicate>
  bool wait_for(Predicate done, std::chrono::milliseconds timeout = 20s) const {
    std::unique_lock<std::mutex> lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return done(state_->seen); });
  }

  // The call once it reached `status` (or hung up on the way); fails the test and
  // returns what was seen when neither happened in time.
  Call await_call(const Uuid& id, CallStatus status, std::chrono::milliseconds timeout = 20s) const;
  Call await_call_hangup(const Uuid& id, std::chrono::milliseconds timeout = 20s) const {
    return await_call(id, CallStatus::hangup, timeout);
  }
  Groupcall await_groupcall_hangup(const Uuid& id, std::chrono::milliseconds timeout = 20s) const;
  // The groupcall once it took an answer for good. A leg is progressing as soon as
  // its far end answers; until its groupcall takes that answer, a hangup makes it
  // a late answer, ended cancel. Tests that hang up an answered call wait for this.
  Groupcall await_answer_taken(const Uuid& groupcall_id,
                               std::chrono::milliseconds timeout = 20s) const;

  Seen seen() const {
    std::lock_guard<std::mutex> guard(state_->mutex);
    return state_->seen;
  }
  // The calls of one groupcall (its own legs, not a nested groupcall's), oldest first.
  std::vector<Call> calls_of(const Uuid& groupcall_id) const;

 private:
  static void record(Seen& seen, const Event& e);

  struct State {
    mutable std::mutex mutex;
    std::condition_variable changed;
    Seen seen;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Each test gets an engine whose one driver is a SipLegDriver on 127.0.0.1:0.
class SippDriverTest : public ::testing::Test {
 protected:
  void SetUp() override { start_engine(sip_options()); }
  // After a failure, says what each sipp of the test reported (an assertion may
  // have cut the test short before it waited for them).
  void TearDown() override;

  static SipOptions sip_options();
  // Replaces the engine (and its driver) with one built on `options`.
  void start_engine(SipOptions options);
  void stop_engine();

  // A sipp of this test, killed at its end: a UAS listening on a free port, or a UAC
  // calling `remote`.
  SippProcess& uas(std::string scenario, int calls = 1, std::chrono::milliseconds pause = {});
  SippProcess& uac(std::string scenario, std::string remote);

  static Address sip_destination(const SippProcess& sipp, std::string_view user = "sipp");
  GroupcallRequest request_to(std::vector<Address> destinations) const;
  // Creates the groupcall; fails the test (fatally) when the engine refuses it.
  Groupcall ring(const GroupcallRequest& request);
  // Hangs the groupcall up through the API and waits for the engine's answer.
  Result<Groupcall> hang_up(const Uuid& groupcall_id);
  // sipp exits 0: every call it took followed its scenario.
  static void expect_sipp_ok(SippProcess& sipp, std::chrono::milliseconds timeout = 40s);

  Uuid customer_ = Uuid::generate();
  SipEvents events_;
  std::shared_ptr<SipLegDriver> driver_;
  std::unique_ptr<Engine> engine_;
  Subscription subscription_;
  std::vector<std::unique_ptr<SippProcess>> sipps_;
};

}  // namespace chorus::test
