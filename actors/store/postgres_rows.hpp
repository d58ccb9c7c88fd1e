#pragma once
// Reading rows' bodies back from a PostgreSQL result: each body (column 0)
// decoded as its kind, a row that does not decode reported as corrupt. Private to
// actors/store/.

#include <string>
#include <string_view>
#include <vector>

#include "actors/store.hpp"
#include "actors/store/postgres_connection.hpp"
#include "actors/store/stored_kinds.hpp"

namespace chorus {

template <class T>
Status postgres_collect(const PgResult& result, const stored_kinds::Kind<T>& kind,
                        std::vector<T>& out) {
  const int rows = PQntuples(result.get());
  out.reserve(out.size() + static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    const char* body = PQgetvalue(result.get(), row, 0);
    Result<T> value = kind.decode(
        std::string_view(body, static_cast<std::size_t>(PQgetlength(result.get(), row, 0))));
    if (!value) return stored_kinds::corrupt_row(kind.table, value.error());
    out.push_back(std::move(*value));
  }
  return {};
}

// Node `node_id`'s live resources, read (owned_live) or, with `new_owner`, moved
// to that node as they are read (taken_over): inside the caller's transaction.
Result<LeftLive> postgres_left_live(PGconn* db, const std::string& node_id,
                                    const std::string* new_owner = nullptr);

}  // namespace chorus
