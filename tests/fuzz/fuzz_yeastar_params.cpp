// The Yeastar dialect's parameters (transport/dialects/yeastar/yeastar_params.hpp),
// picked by the first byte; the rest is the text: ids=..., id=..., a list's query
// string, a delete body. Properties: accepted ids are 1..2147483647, at most
// max_query_ids of them, and reading their plain decimal form back gives the same ids;
// a page is within its bounds; every refusal is clean text naming its parameter.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "property.hpp"
#include "transport/dialects/yeastar/yeastar_params.hpp"

namespace {

namespace yeastar = chorus::yeastar;

template <class T>
bool refused(const chorus::Result<T>& result, std::string_view what) {
  if (result) return false;
  chorus::fuzz::expect_clean_error(result.error(), what);
  chorus::fuzz::expect(!result.error().field.empty(), std::string(what) + " names a parameter",
                       result.error().message);
  return true;
}

void ids(std::string_view text) {
  auto parsed = yeastar::parse_ids(text, "ids");
  if (refused(parsed, "refused ids")) return;
  chorus::fuzz::expect(!parsed->empty() && parsed->size() <= yeastar::max_query_ids,
                       "1 to max_query_ids ids", text);
  std::string plain;
  for (std::int32_t id : *parsed) {
    chorus::fuzz::expect(id >= 1, "an id is at least 1", text);
    plain += (plain.empty() ? "" : ",") + std::to_string(id);
  }
  auto again = yeastar::parse_ids(plain, "ids");
  chorus::fuzz::expect(again && *again == *parsed, "ids read back from their decimal form", plain);
}

void id(std::string_view text) {
  auto parsed = yeastar::parse_id(text, "id");
  if (refused(parsed, "a refused id")) return;
  chorus::fuzz::expect(*parsed >= 1, "an id is at least 1", text);
  chorus::fuzz::expect(yeastar::parse_ids(text, "ids").ok(), "one id is a list of one", text);
}

void page(std::string_view query) {
  auto parsed = yeastar::list_page_of(query);
  if (refused(parsed, "a refused page")) return;
  chorus::fuzz::expect(parsed->page >= 1, "page is at least 1", query);
  if (parsed->page_size) {
    chorus::fuzz::expect(*parsed->page_size >= 1 && *parsed->page_size <= yeastar::max_page_size,
                         "page_size within 1..max_page_size", query);
  }
}

void delete_body(std::string_view body) {
  auto parsed = yeastar::id_from_body(body);
  if (refused(parsed, "a refused delete body")) return;
  chorus::fuzz::expect(*parsed >= 1, "a deleted id is at least 1", body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      ids(text);
      break;
    case 1:
      id(text);
      break;
    case 2:
      page(text);
      break;
    default:
      delete_body(text);
      break;
  }
  return 0;
}
