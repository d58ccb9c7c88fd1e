#pragma once
// The parameters of Chorus's Yeastar dialect, read strictly: ring group ids (in the
// query string, ids=8023,8028 or id=8023, or in a delete body {"id":8023}) and a
// list's page. Pure; every error names the parameter.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace chorus::yeastar {

// At most this many ids in one query.
inline constexpr std::size_t max_query_ids = 100;
// At most this many groups on one page of a list.
inline constexpr std::size_t max_page_size = 100;

// One id: a whole number from 1 to 2147483647, digits only.
Result<std::int32_t> parse_id(std::string_view text, std::string_view parameter);
// Ids separated by commas, in the order given, 1 to max_query_ids of them.
Result<std::vector<std::int32_t>> parse_ids(std::string_view text, std::string_view parameter);

// A delete body: {"id":N} and nothing else.
Result<std::int32_t> id_from_body(std::string_view body);

// list's page (from 1) and page_size (1 to max_page_size); without page_size, every
// group is on page 1.
struct ListPage {
  std::size_t page = 1;
  std::optional<std::size_t> page_size;
};
Result<ListPage> list_page_of(std::string_view query);

}  // namespace chorus::yeastar
