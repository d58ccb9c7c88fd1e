#pragma once
// Private: the RapidJSON-level codecs behind model/conference_json.hpp, beside
// json_detail.hpp's, for code that writes conferences into larger documents (lists,
// event envelopes) or reads request bodies.

#include <array>
#include <cstddef>
#include <string_view>

#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/enum_names.hpp"
#include "model/json_detail.hpp"

namespace chorus::json_detail {

void write_value(JsonWriter& w, const Conference& conference);
void write_value(JsonWriter& w, const Conferencecall& conferencecall);

Status read_value(const rapidjson::Value& value, const Path& path, Conference& out);
Status read_value(const rapidjson::Value& value, const Path& path, Conferencecall& out);

// Member `name` of the object `r` reads, as a conference's data in normal form.
void read_conference_data(ObjectReader& r, std::string_view name, Text& out);

// Member `name` as one of `names` (a table of conference_enum_names.hpp).
template <class E, std::size_t N>
void read_enum(ObjectReader& r, std::string_view name, const std::array<std::string_view, N>& names,
               E& out) {
  const rapidjson::Value* v = r.find(name);
  if (v == nullptr) return;
  if (!v->IsString()) {
    r.fail(name, "must be a string");
    return;
  }
  const auto parsed = detail::enum_parse<E>(names, {v->GetString(), v->GetStringLength()});
  if (parsed) {
    out = *parsed;
  } else {
    r.fail(name, detail::one_of_rule(names));
  }
}

}  // namespace chorus::json_detail
