#include "actors/store/postgres_queries.hpp"

namespace chorus::postgres_queries {

namespace {

// The columns of each shape, in parameter order, and what an update rewrites.
struct ShapeSql {
  const char* columns;
  std::size_t count;
  const char* on_conflict;
};
constexpr ShapeSql shapes[] = {
    // owner_node takes its default (the writer's node) on insert and update alike.
    /* listed */ {"id, customer_id, tm_create, tm_update, tm_delete, live, body", 7,
                  "tm_update = excluded.tm_update, tm_delete = excluded.tm_delete,"
                  " live = excluded.live, body = excluded.body, owner_node = excluded.owner_node"},
    /* directory */
    {"id, customer_id, tm_delete, body", 4,
     "customer_id = excluded.customer_id, tm_delete = excluded.tm_delete, body = excluded.body"},
    /* ring_group */
    {"id, customer_id, tm_delete, body", 4,
     "customer_id = excluded.customer_id, tm_delete = excluded.tm_delete, body = excluded.body"},
    /* missed_call */
    {"id, customer_id, extension_id, tm_create, body", 5, "body = excluded.body"},
};

const ShapeSql& shape_sql(StoredTable table) {
  return shapes[static_cast<std::size_t>(shape_of(table))];
}

}  // namespace

std::size_t columns_of(StoredShape shape) {
  return shapes[static_cast<std::size_t>(shape)].count;
}

std::string upsert(StoredTable table, std::size_t rows) {
  const ShapeSql& shape = shape_sql(table);
  std::string sql = "INSERT INTO ";
  sql += table_name(table);
  sql += '(';
  sql += shape.columns;
  sql += ") VALUES ";
  std::size_t parameter = 1;
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ",(";
    for (std::size_t column = 0; column < shape.count; ++column, ++parameter) {
      if (column > 0) sql += ',';
      sql += '$';
      sql += std::to_string(parameter);
    }
    sql += ')';
  }
  sql += " ON CONFLICT(id) DO UPDATE SET ";
  sql += shape.on_conflict;
  return sql;
}

std::string purge(StoredTable table) {
  const std::string name = table_name(table);
  const char* old =
      table == StoredTable::missed_calls ? "tm_create < $1" : "NOT live AND tm_update < $1";
  return "DELETE FROM " + name + " WHERE id IN (SELECT id FROM " + name + " WHERE " + old +
         " LIMIT $2)";
}

std::string by_id(StoredTable table) {
  return std::string("SELECT body FROM ") + table_name(table) + " WHERE id = $1";
}

std::string list(StoredTable table) {
  return std::string("SELECT body FROM ") + table_name(table) +
         " WHERE customer_id = $1 AND tm_delete IS NULL AND tm_create < $2"
         " ORDER BY tm_create DESC, id DESC LIMIT $3";
}

std::string load(StoredTable table) {
  const std::string select = std::string("SELECT body FROM ") + table_name(table);
  switch (shape_of(table)) {
    case StoredShape::ring_group:
      return select + " WHERE tm_delete IS NULL ORDER BY id";
    default:
      return select + " WHERE tm_delete IS NULL";
  }
}

std::string owned_live(StoredTable table) {
  return std::string("SELECT body FROM ") + table_name(table) + " WHERE live AND owner_node = $1";
}

std::string taken_over(StoredTable table) {
  return std::string("UPDATE ") + table_name(table) +
         " SET owner_node = $2 WHERE live AND owner_node = $1 RETURNING body";
}

}  // namespace chorus::postgres_queries
