#pragma once
// Whether a request's Content-Type is JSON, as the REST API and its dialects (APIO,
// Yeastar) require of a body: "application/json" in any case, parameters after ';'
// ignored.

#include <algorithm>
#include <cctype>
#include <string_view>

namespace chorus {

inline bool is_json(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  constexpr std::string_view json = "application/json";
  return media.size() == json.size() &&
         std::equal(media.begin(), media.end(), json.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace chorus
