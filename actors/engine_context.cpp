#include "actors/engine_context.hpp"

#include <chrono>

#include "model/conference_transitions.hpp"
#include "model/transitions.hpp"

namespace chorus {

Timestamp WallClock::now() const noexcept {
  return Timestamp::from(std::chrono::system_clock::now());
}

Timestamp WallClock::creation_time() noexcept {
  auto micros = now().micros();
  auto last = last_.load(std::memory_order_relaxed);
  std::int64_t next;
  do {
    next = micros > last ? micros : last + 1;
  } while (!last_.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return Timestamp::from_micros(next);
}

void EngineContext::follow(const StoreRow& row) {
  if (auto* call = std::get_if<std::shared_ptr<const Call>>(&row)) {
    registry.calls.update(*call, is_final((*call)->status));
  } else if (auto* groupcall = std::get_if<std::shared_ptr<const Groupcall>>(&row)) {
    registry.groupcalls.update(*groupcall, is_final((*groupcall)->status));
  } else if (auto* conference = std::get_if<std::shared_ptr<const Conference>>(&row)) {
    registry.conferences.update(*conference, is_final((*conference)->status));
  } else if (auto* participant = std::get_if<std::shared_ptr<const Conferencecall>>(&row)) {
    registry.conferencecalls.update(*participant, is_final((*participant)->status));
  }
}

EngineContext::EngineContext(caf::actor_system& system, const EngineOptions& options,
                             std::shared_ptr<LegDriver> driver, std::size_t shards,
                             std::shared_ptr<Store> durable)
    : system(system),
      options(options),
      driver(std::move(driver)),
      store(std::move(durable)),
      registry(options.retained_groupcalls, options.retained_calls),
      timers(system.clock(), shards) {
  if (store) {
    writer = std::make_unique<StoreWriter>(
        store, options.store, [this](const StoreRow& row) { follow(row); },
        [this](const EventPtr& event) { bus.publish(event); });
  }
}

}  // namespace chorus
