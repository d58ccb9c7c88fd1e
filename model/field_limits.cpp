#include "model/field_limits.hpp"

#include <cstring>
#include <string>

#include "model/utf8.hpp"

namespace chorus {

std::optional<std::string> broken_text_rule(std::string_view text, std::size_t max_bytes) {
  if (text.empty()) return std::nullopt;
  if (text.size() > max_bytes) return "must be at most " + std::to_string(max_bytes) + " bytes";
  if (!is_valid_utf8(text)) return "must be valid UTF-8";
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return "must not contain U+0000";
  return std::nullopt;
}

Status check_text(std::string_view text, std::string_view field, std::size_t max_bytes) {
  if (auto rule = broken_text_rule(text, max_bytes)) {
    return Error::invalid(std::string(field), std::move(*rule));
  }
  return {};
}

Status check_count(std::size_t count, std::string_view field, std::size_t max_items) {
  if (count <= max_items) return {};
  return Error::limit(std::string(field),
                      std::string(field) + ": at most " + std::to_string(max_items) + " items");
}

}  // namespace chorus
