#include "actors/store/postgres_rows.hpp"

#include "actors/store/postgres_queries.hpp"

namespace chorus {

namespace {

template <class T>
Status left_of(PGconn* db, StoredTable table, const stored_kinds::Kind<T>& kind,
               const std::string& node_id, const std::string* new_owner, std::vector<T>& out) {
  PgParams params(2);
  params.add_text(node_id);
  if (new_owner != nullptr) params.add_text(*new_owner);
  const std::string sql =
      new_owner ? postgres_queries::taken_over(table) : postgres_queries::owned_live(table);
  Result<PgResult> result =
      postgres_run(db, sql.c_str(), params, std::string("reading the live ") + kind.table, false);
  if (!result) return result.error();
  return postgres_collect(*result, kind, out);
}

}  // namespace

Result<LeftLive> postgres_left_live(PGconn* db, const std::string& node_id,
                                    const std::string* new_owner) {
  LeftLive left;
  Status status = left_of(db, StoredTable::groupcalls, stored_kinds::groupcall, node_id, new_owner,
                          left.live_groupcalls);
  if (status) {
    status =
        left_of(db, StoredTable::calls, stored_kinds::call, node_id, new_owner, left.live_calls);
  }
  if (status) {
    status = left_of(db, StoredTable::conferences, stored_kinds::conference, node_id, new_owner,
                     left.live_conferences);
  }
  if (status) {
    status = left_of(db, StoredTable::conferencecalls, stored_kinds::conferencecall, node_id,
                     new_owner, left.live_conferencecalls);
  }
  if (!status) return status.error();
  return left;
}

}  // namespace chorus
