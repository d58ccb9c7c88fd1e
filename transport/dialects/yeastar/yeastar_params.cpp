#include "transport/dialects/yeastar/yeastar_params.hpp"

#include <charconv>
#include <limits>
#include <string>

#include "model/json_detail.hpp"
#include "transport/api_keys.hpp"

namespace chorus::yeastar {

namespace {

constexpr std::string_view id_rule = "must be a ring group id, a whole number from 1 to 2147483647";

// A whole number of digits only (no sign, space or leading '+') within [low, high].
std::optional<std::uint64_t> whole_number(std::string_view text, std::uint64_t low,
                                          std::uint64_t high) {
  constexpr std::size_t longest = 10;  // 2147483647; longer is out of range anyway
  if (text.empty() || text.size() > longest) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < low || value > high) return std::nullopt;
  return value;
}

constexpr std::uint64_t highest_id = std::numeric_limits<std::int32_t>::max();

}  // namespace

Result<std::int32_t> parse_id(std::string_view text, std::string_view parameter) {
  auto value = whole_number(text, 1, highest_id);
  if (!value) return Error::invalid(std::string(parameter), std::string(id_rule));
  return static_cast<std::int32_t>(*value);
}

Result<std::vector<std::int32_t>> parse_ids(std::string_view text, std::string_view parameter) {
  const std::string name(parameter);
  if (text.empty()) return Error::invalid(name, "is required: ring group ids separated by commas");
  std::vector<std::int32_t> ids;
  for (;;) {
    const auto comma = text.find(',');
    if (ids.size() == max_query_ids) {
      return Error::limit(name, name + ": at most " + std::to_string(max_query_ids) + " ids");
    }
    const std::string element = name + "[" + std::to_string(ids.size()) + "]";
    auto id = parse_id(text.substr(0, comma), element);
    if (!id) return id.error();
    ids.push_back(*id);
    if (comma == std::string_view::npos) return ids;
    text.remove_prefix(comma + 1);
  }
}

Result<std::int32_t> id_from_body(std::string_view body) {
  auto document = json_detail::parse_document(body);
  if (!document) return document.error();
  if (!document->IsObject()) return Error::invalid("body", "must be a JSON object");
  if (document->MemberCount() != 1 || !document->HasMember("id")) {
    return Error::invalid("body", "must be {\"id\":<ring group id>} and nothing else");
  }
  const auto& id = (*document)["id"];
  if (!id.IsInt() || id.GetInt() < 1) return Error::invalid("id", std::string(id_rule));
  return id.GetInt();
}

Result<ListPage> list_page_of(std::string_view query) {
  ListPage page;
  if (auto size = query_parameter(query, "page_size")) {
    auto value = whole_number(*size, 1, max_page_size);
    if (!value) {
      return Error::invalid("page_size",
                            "must be a whole number from 1 to " + std::to_string(max_page_size));
    }
    page.page_size = *value;
  }
  if (auto number = query_parameter(query, "page")) {
    auto value = whole_number(*number, 1, highest_id);
    if (!value) return Error::invalid("page", "must be a whole number from 1");
    page.page = *value;
  }
  return page;
}

}  // namespace chorus::yeastar
