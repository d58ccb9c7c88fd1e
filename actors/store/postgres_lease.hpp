#pragma once
// The NodeLease port on PostgreSQL: the table chorus_nodes holds each node's
// epoch and when its lease expires (by the server's clock; null once taken
// over). Every write batch of PostgresWriter first calls chorus_fence(node,
// epoch), which fails the whole batch unless that epoch is still the node's; a
// takeover locks the node's row, so it waits for a batch already past the fence
// and every later one fails. A connection of its own: renewing never waits behind
// a large batch.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actors/node_lease.hpp"
#include "actors/store/postgres_connection.hpp"

namespace chorus {

class PostgresLease final : public NodeLease {
 public:
  PostgresLease(std::string url, std::string node_id, std::chrono::milliseconds duration);

  const std::string& node_id() const override { return node_id_; }
  std::chrono::milliseconds duration() const override { return duration_; }
  std::int64_t epoch() const override { return epoch_.load(std::memory_order_acquire); }

  Result<LeftLive> claim() override;
  Result<LeaseRenewal> renew() override;
  Result<std::optional<TakenOver>> take_over_expired() override;
  Result<std::vector<std::string>> holders() override;

 private:
  // The connection, opened again when the last call failed or the server closed it.
  Result<PGconn*> connection();
  template <class Answer>
  Answer dropping_on_failure(Answer answer);

  const std::string url_;
  const std::string node_id_;
  const std::chrono::milliseconds duration_;
  std::atomic<std::int64_t> epoch_{0};
  PgConnection db_;
};

}  // namespace chorus
