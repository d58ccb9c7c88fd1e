#pragma once
// Private: the RapidJSON-level codec behind model/ring_group_json.hpp, beside
// json_detail.hpp's, for code that writes ring groups into larger documents (the
// Yeastar dialect's {"errcode","errmsg","data"} envelope).

#include "model/json_detail.hpp"
#include "model/ring_group.hpp"

namespace chorus::json_detail {

void write_value(JsonWriter& w, const RingGroup& group);
void write_value(JsonWriter& w, const RingGroupMember& member);
// The group's members without the braces, for a document that adds its own beside
// them (the SQLite store's customer_id and tm_* stamps).
void write_members(JsonWriter& w, const RingGroup& group);

// Reads over `out`: absent fields keep its values.
Status read_value(const rapidjson::Value& value, const Path& path, RingGroup& out);

}  // namespace chorus::json_detail
