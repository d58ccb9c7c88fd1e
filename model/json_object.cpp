#include "model/json_object.hpp"

#include <cstdint>
#include <string>

#include "model/field_limits.hpp"

namespace chorus::json_detail {
namespace {

using rapidjson::Value;

std::string_view text_of(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// The first broken rule in `value` at nesting `depth`, walking in document order.
// The recursion is at most max_depth + 1 deep: it stops where the nesting is too deep.
std::optional<std::string> broken_rule(const Value& value, std::size_t depth,
                                       std::size_t max_depth) {
  if (value.IsString()) return broken_text_rule(text_of(value), SIZE_MAX);
  if (!value.IsObject() && !value.IsArray()) return std::nullopt;
  if (depth > max_depth) return "must nest at most " + std::to_string(max_depth) + " levels";
  if (value.IsArray()) {
    for (const Value& element : value.GetArray()) {
      if (auto rule = broken_rule(element, depth + 1, max_depth)) return rule;
    }
    return std::nullopt;
  }
  for (const auto& member : value.GetObject()) {
    if (auto rule = broken_text_rule(text_of(member.name), SIZE_MAX)) return rule;
    if (auto rule = broken_rule(member.value, depth + 1, max_depth)) return rule;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_json_object(const Value& value, const JsonObjectLimits& limits,
                                            Text& out) {
  if (!value.IsObject()) return "must be an object";
  if (auto rule = broken_rule(value, 1, limits.max_depth)) return rule;
  if (value.MemberCount() == 0) {
    out = Text();
    return std::nullopt;
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  if (buffer.GetSize() > limits.max_bytes) {
    return "must be at most " + std::to_string(limits.max_bytes) + " bytes as compact JSON";
  }
  out = Text(std::string_view(buffer.GetString(), buffer.GetSize()));
  return std::nullopt;
}

void write_json_object(JsonWriter& w, const Text& object) {
  if (object.empty()) {
    w.StartObject();
    w.EndObject();
    return;
  }
  w.RawValue(object.data(), object.size(), rapidjson::kObjectType);
}

}  // namespace chorus::json_detail
