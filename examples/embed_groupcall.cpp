// Embeds the Chorus engine with the simulated leg driver, places a ring_all
// groupcall and prints every event as one JSON line until the groupcall ends.
//
//   ./build/examples/embed_groupcall [destination ...]
//
// Destinations default to three simulated phones: one answers after 1.5 s and
// hangs up 3 s later, one is busy, one rings until it is cancelled.

#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "actors/engine.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

int main(int argc, char** argv) {
  chorus::Engine engine(std::make_shared<chorus::SimulatedLegDriver>());

  std::mutex mutex;
  std::condition_variable ended;
  chorus::Uuid groupcall_id;
  bool done = false;
  auto subscription = engine.subscribe_all([&](const chorus::Event& event) {
    std::puts(event.to_json().c_str());
    std::fflush(stdout);
    if (event.type() != chorus::EventType::groupcall_hangup) return;
    std::lock_guard<std::mutex> guard(mutex);
    if (event.resource_id() == groupcall_id) {
      done = true;
      ended.notify_all();
    }
  });

  chorus::GroupcallRequest request;
  request.customer_id = *chorus::Uuid::parse("5e4a0680-804e-11ec-8477-2fea5968d85b");
  request.source = {chorus::AddressType::tel, "+15551234567", "", "Front desk", ""};
  request.ring_method = chorus::RingMethod::ring_all;
  request.ring_timeout = 10;
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) {
      request.destinations.push_back({chorus::AddressType::endpoint, argv[i], "", "", ""});
    }
  } else {
    request.destinations = {
        {chorus::AddressType::endpoint, "alice@sim;answer=1500;hangup=3000", "", "Alice", ""},
        {chorus::AddressType::endpoint, "bob@sim;ring=200;busy=300", "", "Bob", ""},
        {chorus::AddressType::endpoint, "carol@sim;ring=100", "", "Carol", ""},
    };
  }

  {
    // Hold the lock so the groupcall's events cannot end the wait before it starts.
    std::unique_lock<std::mutex> lock(mutex);
    auto created = engine.create_groupcall(request);
    if (!created) {
      std::fprintf(stderr, "groupcall refused: %s\n", created.error().message.c_str());
      return 1;
    }
    groupcall_id = created->id;
    if (!ended.wait_for(lock, std::chrono::seconds(60), [&] { return done; })) {
      std::fprintf(stderr, "groupcall did not end within 60 s\n");
      return 1;
    }
  }
  engine.stop();
  return 0;
}
