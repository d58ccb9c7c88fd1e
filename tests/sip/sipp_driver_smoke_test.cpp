// The driver's own bookkeeping on one real call: what its metrics count and that
// a leg is freed once the BYE's 200 ends the dialog. The behaviours themselves
// are in sipp_driver_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/engine.hpp"
#include "sipp_process.hpp"
#include "transport/sip/sip_leg_driver.hpp"

namespace chorus::test {
namespace {

struct Watcher {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<EventType> call_events;
  bool groupcall_ended = false;

  void on(const Event& event) {
    std::lock_guard<std::mutex> guard(mutex);
    if (event.type() == EventType::groupcall_hangup) groupcall_ended = true;
    if (event.call()) call_events.push_back(event.type());
    changed.notify_all();
  }
  template <class Predicate>
  bool wait(Predicate predicate) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] { return predicate(*this); });
  }
  bool saw(EventType type) const {
    for (auto t : call_events) {
      if (t == type) return true;
    }
    return false;
  }
};

TEST(SipDriverSmoke, RingsAnswersAndHangsUpASippUas) {
  auto sipp = SippProcess::uas("uas_answer.xml", 1, std::chrono::milliseconds(1));
  SipOptions options;
  options.listen = "127.0.0.1:0";
  options.t1 = std::chrono::milliseconds(100);
  options.timer_b = std::chrono::milliseconds(2000);
  auto driver = std::make_shared<SipLegDriver>(options);
  Engine engine(driver);
  Watcher watcher;
  auto subscription = engine.subscribe_all([&](const Event& e) { watcher.on(e); });
  GroupcallRequest request;
  request.customer_id = Uuid::generate();
  request.source = {AddressType::tel, "+15551234567", "Front desk", "", ""};
  request.destinations = {{AddressType::sip, sipp->target(), "", "", ""}};
  request.ring_method = RingMethod::ring_all;
  auto created = engine.create_groupcall(request);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE(watcher.wait([](Watcher& w) { return w.saw(EventType::call_progressing); }));
  EXPECT_EQ(driver->metrics().requests(SipMetrics::Direction::sent, SipMetrics::Method::invite),
            1U);
  EXPECT_EQ(driver->metrics().responses(SipMetrics::Direction::received, 200), 1U);
  engine.hangup_groupcall(request.customer_id, created->id, [](Result<Groupcall>) {});
  ASSERT_TRUE(watcher.wait([](Watcher& w) { return w.groupcall_ended; }));
  // The BYE's 200 ends the dialog and frees the leg.
  for (int i = 0; i < 200 && driver->live_legs() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(driver->live_legs(), 0U);
  EXPECT_EQ(driver->metrics().requests(SipMetrics::Direction::sent, SipMetrics::Method::bye), 1U);
  engine.stop();
  EXPECT_TRUE(sipp->wait().ok()) << sipp->wait().describe();
}

}  // namespace
}  // namespace chorus::test
