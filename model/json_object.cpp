#include "model/json_object.hpp"

#include <cstdint>
#include <string>

#include "model/field_limits.hpp"

namespace chorus::json_detail {
namespace {

using rapidjson::Value;

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

std::string compact(const Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The compact text of `value` that reads back as itself. RapidJSON's fast double
// parse may land an ulp off a long mantissa, so a number written shortest can
// read back as another double with another shortest text (the fuzzer found one);
// writing what was read until the text holds still gives a normal form that a
// store round trip never changes. Two rounds settle every case seen; a value that
// does not settle in four is refused.
std::optional<std::string> stable_text(const Value& value) {
  std::string text = compact(value);
  for (int round = 0; round < 4; ++round) {
    auto again = parse_document(text);
    if (!again) return std::nullopt;
    std::string next = compact(*again);
    if (next == text) return text;
    text = std::move(next);
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
  auto text = stable_text(value);
  if (!text) return "must hold only numbers that read back as they are written";
  if (text->size() > limits.max_bytes) {
    return "must be at most " + std::to_string(limits.max_bytes) + " bytes as compact JSON";
  }
  out = Text(*text);
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
