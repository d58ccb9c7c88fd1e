#pragma once
// Private to the dialect codecs (model/ring_group_json.cpp, model/apio_json.cpp):
// bodies read strictly, where a field the document does not define, or one given
// twice, is refused by name (a misspelt field would otherwise keep its default).

#include <array>
#include <bitset>
#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "model/json_detail.hpp"
#include "model/result.hpp"

namespace chorus::json_detail {

// A field name is repeated in an error only when it is short and plainly a name:
// anything else is the client's raw bytes, which may not even be UTF-8.
inline bool quotable_name(std::string_view name) {
  constexpr std::size_t longest = 64;
  if (name.empty() || name.size() > longest) return false;
  for (char c : name) {
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!plain) return false;
  }
  return true;
}

// The path in an error; the root is the body itself.
inline std::string where(const Path& path) {
  std::string text = path.to_string();
  return text.empty() ? std::string("body") : text;
}

// Refuses an object holding a field `known` does not list, or one field twice (RapidJSON
// would read the first, a client may mean the last). Stops at the first such member, so
// an object of a million members costs no more than one of twenty.
template <std::size_t N>
Status check_fields(const rapidjson::Value& object, const Path& path,
                    const std::array<std::string_view, N>& known, std::string_view what) {
  if (!object.IsObject()) return Error::invalid(where(path), "must be an object");
  std::bitset<N> seen;
  for (const auto& member : object.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    std::size_t i = 0;
    while (i < N && known[i] != name) ++i;
    if (i == N) {
      if (!quotable_name(name)) {
        return Error::invalid(where(path),
                              "holds a field that is not one of " + std::string(what) + "'s");
      }
      return Error::invalid(path.member(name).to_string(),
                            "is not a field of " + std::string(what));
    }
    if (seen[i]) return Error::invalid(path.member(name).to_string(), "appears twice");
    seen.set(i);
  }
  return {};
}

}  // namespace chorus::json_detail
