#include "actors/store/postgres_lease.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "actors/store/postgres_queries.hpp"
#include "actors/store/postgres_rows.hpp"

namespace chorus {

namespace {

// $1 node, $2 lease milliseconds. A node seen for the first time starts at epoch 1.
constexpr const char* claim_sql =
    "INSERT INTO chorus_nodes(node_id, epoch, expires_at)"
    " VALUES ($1, 1, now() + $2::bigint * interval '1 millisecond')"
    " ON CONFLICT (node_id) DO UPDATE"
    " SET epoch = chorus_nodes.epoch + 1, expires_at = excluded.expires_at RETURNING epoch";
// $1 node, $2 epoch, $3 lease milliseconds. No row: the epoch moved on.
constexpr const char* renew_sql =
    "UPDATE chorus_nodes SET expires_at = now() + $3::bigint * interval '1 millisecond'"
    " WHERE node_id = $1 AND epoch = $2";
// $1 this node. SKIP LOCKED: a lease another survivor is taking over is its.
constexpr const char* expired_sql =
    "SELECT node_id FROM chorus_nodes WHERE node_id <> $1 AND expires_at < now()"
    " ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED";
// $1 the node taken over: fenced, and held by nobody until it claims again.
constexpr const char* take_sql =
    "UPDATE chorus_nodes SET epoch = epoch + 1, expires_at = NULL WHERE node_id = $1";

constexpr const char* holders_sql =
    "SELECT node_id FROM chorus_nodes WHERE expires_at > now() ORDER BY node_id";

std::int64_t integer_of(const PgResult& result) {
  return std::strtoll(PQgetvalue(result.get(), 0, 0), nullptr, 10);
}

}  // namespace

PostgresLease::PostgresLease(std::string url, std::string node_id,
                             std::chrono::milliseconds duration)
    : url_(std::move(url)), node_id_(std::move(node_id)), duration_(duration) {}

Result<PGconn*> PostgresLease::connection() {
  if (db_ && postgres_alive(db_.get())) return db_.get();
  db_.reset();
  // A renewal stuck on a cut network gives up within half a lease: this node then
  // lets go (NodeFailover) about when the survivors may take over, not seconds later.
  const int patience_ms = static_cast<int>(std::min<std::int64_t>(
      postgres_timeout_s * 1000, std::max<std::int64_t>(250, duration_.count() / 2)));
  Result<PgConnection> db = postgres_connect(url_, nullptr, patience_ms);
  if (!db) return db.error();
  // A node frozen inside a takeover must not hold the lease table's row for longer
  // than a lease: the server ends such a transaction.
  const std::string bound =
      "SET idle_in_transaction_session_timeout = " + std::to_string(duration_.count());
  Status set = postgres_execute(db->get(), bound.c_str(), "connecting for the lease");
  if (!set) return set.error();
  db_ = std::move(*db);
  return db_.get();
}

// A failure may leave the connection mid-transaction or broken: the next call
// opens a fresh one.
template <class Answer>
Answer PostgresLease::dropping_on_failure(Answer answer) {
  if (!answer.ok()) db_.reset();
  return answer;
}

Result<LeftLive> PostgresLease::claim() {
  Result<PGconn*> db = connection();
  if (!db) return db.error();
  auto claimed = [&]() -> Result<LeftLive> {
    Status begun = postgres_execute(*db, "BEGIN", "claiming the lease");
    if (!begun) return begun.error();
    PgParams params(2);
    params.add_text(node_id_);
    params.add(static_cast<std::int64_t>(duration_.count()));
    Result<PgResult> epoch = postgres_run(*db, claim_sql, params, "claiming the lease", false);
    if (!epoch) return epoch.error();
    Result<LeftLive> left = postgres_left_live(*db, node_id_);
    if (!left) return left.error();
    Status committed = postgres_execute(*db, "COMMIT", "claiming the lease");
    if (!committed) return committed.error();
    epoch_.store(integer_of(*epoch), std::memory_order_release);
    return left;
  };
  return dropping_on_failure(claimed());
}

Result<LeaseRenewal> PostgresLease::renew() {
  Result<PGconn*> db = connection();
  if (!db) return db.error();
  PgParams params(3);
  params.add_text(node_id_);
  params.add(epoch());
  params.add(static_cast<std::int64_t>(duration_.count()));
  Result<PgResult> renewed = postgres_run(*db, renew_sql, params, "renewing the lease", false);
  if (!renewed) return dropping_on_failure(Result<LeaseRenewal>(renewed.error()));
  return std::strcmp(PQcmdTuples(renewed->get()), "1") == 0 ? LeaseRenewal::held
                                                            : LeaseRenewal::lost;
}

Result<std::vector<std::string>> PostgresLease::holders() {
  Result<PGconn*> db = connection();
  if (!db) return db.error();
  PgParams none(0);
  Result<PgResult> found = postgres_run(*db, holders_sql, none, "reading the leases", false);
  if (!found) return dropping_on_failure(Result<std::vector<std::string>>(found.error()));
  std::vector<std::string> nodes;
  for (int row = 0; row < PQntuples(found->get()); ++row) {
    nodes.emplace_back(PQgetvalue(found->get(), row, 0));
  }
  return nodes;
}

Result<std::optional<TakenOver>> PostgresLease::take_over_expired() {
  using Answer = Result<std::optional<TakenOver>>;
  Result<PGconn*> db = connection();
  if (!db) return db.error();
  auto taken = [&]() -> Answer {
    Status begun = postgres_execute(*db, "BEGIN", "taking over a lease");
    if (!begun) return begun.error();
    // Only a node that still holds its own lease takes over another's.
    PgParams own(2);
    own.add_text(node_id_);
    own.add(epoch());
    Result<PgResult> fenced = postgres_run(*db, postgres_queries::fence, own, "taking over", false);
    if (!fenced) return fenced.error();
    PgParams me(1);
    me.add_text(node_id_);
    Result<PgResult> expired = postgres_run(*db, expired_sql, me, "finding expired leases", false);
    if (!expired) return expired.error();
    if (PQntuples(expired->get()) == 0) {
      Status ended = postgres_execute(*db, "COMMIT", "finding expired leases");
      if (!ended) return ended.error();
      return std::optional<TakenOver>();
    }
    TakenOver over;
    over.node_id = PQgetvalue(expired->get(), 0, 0);
    PgParams dead(1);
    dead.add_text(over.node_id);
    Result<PgResult> fencing = postgres_run(*db, take_sql, dead, "taking over a lease", false);
    if (!fencing) return fencing.error();
    Result<LeftLive> left = postgres_left_live(*db, over.node_id, &node_id_);
    if (!left) return left.error();
    over.left = std::move(*left);
    Status committed = postgres_execute(*db, "COMMIT", "taking over a lease");
    if (!committed) return committed.error();
    return std::optional<TakenOver>(std::move(over));
  };
  return dropping_on_failure(taken());
}

}  // namespace chorus
