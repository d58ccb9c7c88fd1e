#pragma once
// A store that keeps nothing: every write succeeds at once and every read finds
// nothing. Run under the engine, it measures the store writer's own machinery
// (group commit, coalescing, answering after the commit) without any disk, so
// that a slow stored benchmark says whether the time goes to the pipeline or to
// the backend.

#include <cstddef>
#include <optional>
#include <vector>

#include "actors/store.hpp"

namespace chorus::bench {

class NullStore final : public Store {
 public:
  Status write(const std::vector<StoreRow>&) override { return {}; }
  Result<std::optional<Groupcall>> groupcall(const Uuid&) const override {
    return std::optional<Groupcall>();
  }
  Result<std::optional<Call>> call(const Uuid&) const override { return std::optional<Call>(); }
  Result<std::vector<Groupcall>> groupcalls(const Uuid&, std::size_t,
                                            std::optional<Timestamp>) const override {
    return std::vector<Groupcall>();
  }
  Result<std::vector<Call>> calls(const Uuid&, std::size_t,
                                  std::optional<Timestamp>) const override {
    return std::vector<Call>();
  }
  Result<std::optional<Conference>> conference(const Uuid&) const override {
    return std::optional<Conference>();
  }
  Result<std::optional<Conferencecall>> conferencecall(const Uuid&) const override {
    return std::optional<Conferencecall>();
  }
  Result<std::vector<Conference>> conferences(const Uuid&, std::size_t,
                                              std::optional<Timestamp>) const override {
    return std::vector<Conference>();
  }
  Result<std::vector<Conferencecall>> conferencecalls(const Uuid&, std::size_t,
                                                      std::optional<Timestamp>) const override {
    return std::vector<Conferencecall>();
  }
  Result<std::vector<MissedCall>> missed_calls(const Uuid&, const Uuid&, std::size_t,
                                               std::optional<Timestamp>) const override {
    return std::vector<MissedCall>();
  }
  Result<StoredState> load() const override { return StoredState(); }
  Status probe() override { return {}; }
  Result<std::size_t> purge(Timestamp, std::size_t) override { return std::size_t{0}; }
};

}  // namespace chorus::bench
