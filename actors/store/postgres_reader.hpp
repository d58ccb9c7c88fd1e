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

class PostgresReader {
 public:
  static Result<std::unique_ptr<PostgresReader>> open(const std::string& url);
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
  // In one repeatable-read transaction: one consistent picture.
  Result<StoredState> load();

 private:
  explicit PostgresReader(PgConnection db) : db_(std::move(db)) {}
  Status prepare_all();

  PgConnection db_;
};

}  // namespace chorus
