#include "sipp_engine.hpp"

#include <algorithm>
#include <cstdio>

namespace chorus::test {

void SipEvents::record(Seen& seen, const Event& e) {
  if (auto& call = e.call()) {
    seen.calls[call->id] = *call;
    if (auto status = call_status_of(e.type())) seen.call_statuses[call->id].push_back(*status);
    if (e.type() == EventType::call_hangup) ++seen.call_hangups[call->id];
  }
  if (auto& groupcall = e.groupcall()) {
    seen.groupcalls[groupcall->id] = *groupcall;
    if (e.type() == EventType::groupcall_hangup) ++seen.groupcall_hangups[groupcall->id];
  }
}

Call SipEvents::await_call(const Uuid& id, CallStatus status,
                           std::chrono::milliseconds timeout) const {
  auto reached = [&](const Seen& seen) {
    auto c = seen.calls.find(id);
    return c != seen.calls.end() &&
           (c->second.status == status || c->second.status == CallStatus::hangup);
  };
  bool ok = wait_for(reached, timeout);
  auto seen_now = seen();
  auto c = seen_now.calls.find(id);
  if (c == seen_now.calls.end()) {
    ADD_FAILURE() << "no event of call " << id.to_string() << " within " << timeout.count()
                  << " ms";
    return Call{};
  }
  EXPECT_TRUE(ok) << "call " << id.to_string() << " is " << to_string(c->second.status) << ", not "
                  << to_string(status) << ", after " << timeout.count() << " ms";
  return c->second;
}

Groupcall SipEvents::await_groupcall_hangup(const Uuid& id,
                                            std::chrono::milliseconds timeout) const {
  bool ok =
      wait_for([&](const Seen& seen) { return seen.groupcall_hangups.count(id) > 0; }, timeout);
  auto seen_now = seen();
  EXPECT_TRUE(ok) << "groupcall " << id.to_string() << " did not hang up within " << timeout.count()
                  << " ms";
  auto g = seen_now.groupcalls.find(id);
  return g == seen_now.groupcalls.end() ? Groupcall{} : g->second;
}

Groupcall SipEvents::await_answer_taken(const Uuid& groupcall_id,
                                        std::chrono::milliseconds timeout) const {
  bool ok = wait_for(
      [&](const Seen& seen) {
        auto g = seen.groupcalls.find(groupcall_id);
        return g != seen.groupcalls.end() &&
               !(g->second.answer_call_id.is_zero() && g->second.answer_groupcall_id.is_zero());
      },
      timeout);
  EXPECT_TRUE(ok) << "groupcall " << groupcall_id.to_string() << " took no answer within "
                  << timeout.count() << " ms";
  auto seen_now = seen();
  auto g = seen_now.groupcalls.find(groupcall_id);
  return g == seen_now.groupcalls.end() ? Groupcall{} : g->second;
}

std::vector<Call> SipEvents::calls_of(const Uuid& groupcall_id) const {
  std::vector<Call> calls;
  for (auto& [id, call] : seen().calls) {
    if (call.groupcall_id == groupcall_id) calls.push_back(call);
  }
  std::sort(calls.begin(), calls.end(),
            [](const Call& a, const Call& b) { return a.tm_create < b.tm_create; });
  return calls;
}

SipOptions SippDriverTest::sip_options() {
  SipOptions options;
  options.listen = "127.0.0.1:0";
  options.user_agent = "Chorus-sipp-test";
  return options;
}

void SippDriverTest::TearDown() {
  if (HasFailure()) {
    for (auto& sipp : sipps_) {
      auto& outcome = sipp->wait(std::chrono::milliseconds(0));  // kills it if still running
      std::printf("[ sipp     ] %s on port %u: %s\n", sipp->options().scenario.c_str(),
                  static_cast<unsigned>(sipp->port()), outcome.describe().c_str());
    }
  }
  sipps_.clear();
  stop_engine();
}

SippProcess& SippDriverTest::uas(std::string scenario, int calls, std::chrono::milliseconds pause) {
  sipps_.push_back(SippProcess::uas(std::move(scenario), calls, pause));
  return *sipps_.back();
}

SippProcess& SippDriverTest::uac(std::string scenario, std::string remote) {
  sipps_.push_back(SippProcess::uac(std::move(scenario), std::move(remote)));
  return *sipps_.back();
}

void SippDriverTest::start_engine(SipOptions options) {
  stop_engine();
  driver_ = std::make_shared<SipLegDriver>(std::move(options));
  engine_ = std::make_unique<Engine>(driver_);
  subscription_ = engine_->subscribe_all(events_.callback());
}

void SippDriverTest::stop_engine() {
  if (!engine_) return;
  subscription_.cancel();
  engine_->stop();
  engine_.reset();
  driver_.reset();
}

Address SippDriverTest::sip_destination(const SippProcess& sipp, std::string_view user) {
  return Address{AddressType::sip, sipp.target(user), "", "", ""};
}

GroupcallRequest SippDriverTest::request_to(std::vector<Address> destinations) const {
  GroupcallRequest request;
  request.customer_id = customer_;
  request.source = Address{AddressType::tel, "+15550001000", "Alice Example", "Alice Example", ""};
  request.destinations = std::move(destinations);
  return request;
}

Groupcall SippDriverTest::ring(const GroupcallRequest& request) {
  auto created = engine_->create_groupcall(request);
  if (!created.ok()) {
    ADD_FAILURE() << "create_groupcall refused: " << created.error().message;
    throw std::runtime_error("create_groupcall refused");
  }
  return *created;
}

Result<Groupcall> SippDriverTest::hang_up(const Uuid& groupcall_id) {
  auto answer = std::make_shared<std::promise<Result<Groupcall>>>();
  auto future = answer->get_future();
  engine_->hangup_groupcall(customer_, groupcall_id,
                            [answer](Result<Groupcall> result) { answer->set_value(result); });
  if (future.wait_for(20s) != std::future_status::ready) {
    ADD_FAILURE() << "hangup_groupcall did not answer within 20 s";
    throw std::runtime_error("hangup_groupcall did not answer");
  }
  return future.get();
}

void SippDriverTest::expect_sipp_ok(SippProcess& sipp, std::chrono::milliseconds timeout) {
  auto& outcome = sipp.wait(timeout);
  EXPECT_TRUE(outcome.ok()) << sipp.options().scenario << " on port " << sipp.port() << ": "
                            << outcome.describe();
}

}  // namespace chorus::test
