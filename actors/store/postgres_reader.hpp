#pragma once
// A read connection to the PostgreSQL store with its prepared lookups, used by
// one thread at a time; PostgresStore lends them through a ReaderPool.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/postgres_connection.hpp"

namespace chorus {

// What a read connection opens: the database, and the node whose live resources
// a restart's load() finds.
struct PostgresTarget {
  std::string url;
  std::string node_id;
};

class PostgresReader {
 public:
  using Target = PostgresTarget;
  static Result<std::unique_ptr<PostgresReader>> open(const PostgresTarget& target);
  // False once the server has closed the connection (it restarted meanwhile).
  bool usable() const { return postgres_alive(db_.get()); }

  Result<std::optional<Groupcall>> groupcall(const Uuid& id);
  Result<std::optional<Call>> call(const Uuid& id);
  Result<std::optional<Conference>> conference(const Uuid& id);
  Result<std::optional<Conferencecall>> conferencecall(const Uuid& id);
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                            std::optional<Timestamp> before);
  Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                  std::optional<Timestamp> before);
  Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before);
  Result<std::vector<Conferencecall>> conferencecalls(const Uuid& customer_id, std::size_t limit,
                                                      std::optional<Timestamp> before);
  Result<std::vector<MissedCall>> missed_calls(const Uuid& customer_id, const Uuid& extension_id,
                                               std::size_t limit, std::optional<Timestamp> before);
  // In one repeatable-read transaction: one consistent picture. Live resources:
  // only those this node owns.
  Result<StoredState> load();

 private:
  PostgresReader(PgConnection db, std::string node_id)
      : db_(std::move(db)), node_id_(std::move(node_id)) {}
  Status prepare_all();

  PgConnection db_;
  const std::string node_id_;
};

}  // namespace chorus
