#pragma once
// PooledReads' members (pooled_reads.hpp): included by a backend's .cpp only,
// which instantiates them for its Reader (template class PooledReads<Reader>;).

#include <utility>

#include "actors/store/pooled_reads.hpp"
#include "actors/store/reader_pool.hpp"

namespace chorus {

template <class Reader>
template <class Target>
PooledReads<Reader>::PooledReads(Target target, std::size_t max_readers)
    : readers_(std::make_unique<ReaderPool<Reader>>(std::move(target), max_readers)) {}

template <class Reader>
PooledReads<Reader>::~PooledReads() = default;

template <class Reader>
void PooledReads<Reader>::close_readers() {
  readers_.reset();
}

template <class Reader>
Result<std::optional<Groupcall>> PooledReads<Reader>::groupcall(const Uuid& id) const {
  return readers_->with_reader([&](Reader& r) { return r.groupcall(id); });
}

template <class Reader>
Result<std::optional<Call>> PooledReads<Reader>::call(const Uuid& id) const {
  return readers_->with_reader([&](Reader& r) { return r.call(id); });
}

template <class Reader>
Result<std::vector<Groupcall>> PooledReads<Reader>::groupcalls(
    const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const {
  return readers_->with_reader([&](Reader& r) { return r.groupcalls(customer_id, limit, before); });
}

template <class Reader>
Result<std::vector<Call>> PooledReads<Reader>::calls(const Uuid& customer_id, std::size_t limit,
                                                     std::optional<Timestamp> before) const {
  return readers_->with_reader([&](Reader& r) { return r.calls(customer_id, limit, before); });
}

template <class Reader>
Result<std::optional<Conference>> PooledReads<Reader>::conference(const Uuid& id) const {
  return readers_->with_reader([&](Reader& r) { return r.conference(id); });
}

template <class Reader>
Result<std::optional<Conferencecall>> PooledReads<Reader>::conferencecall(const Uuid& id) const {
  return readers_->with_reader([&](Reader& r) { return r.conferencecall(id); });
}

template <class Reader>
Result<std::vector<Conference>> PooledReads<Reader>::conferences(
    const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](Reader& r) { return r.conferences(customer_id, limit, before); });
}

template <class Reader>
Result<std::vector<Conferencecall>> PooledReads<Reader>::conferencecalls(
    const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](Reader& r) { return r.conferencecalls(customer_id, limit, before); });
}

template <class Reader>
Result<std::vector<MissedCall>> PooledReads<Reader>::missed_calls(
    const Uuid& customer_id, const Uuid& extension_id, std::size_t limit,
    std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](Reader& r) { return r.missed_calls(customer_id, extension_id, limit, before); });
}

template <class Reader>
Result<StoredState> PooledReads<Reader>::load() const {
  return readers_->with_reader([](Reader& r) { return r.load(); });
}

}  // namespace chorus
