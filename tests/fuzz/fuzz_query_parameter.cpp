// Query strings (transport/api_keys: query_parameter) and the credentials read from a
// request (ApiKeys::customer_for). Input: one byte n, then 1 + n % 15 bytes of a parameter
// name, then the query; the same bytes are also tried as an Authorization
// header. Properties: query_parameter agrees with a plain reading of the query (split on
// '&', first pair whose name matches, "+" and "%XX" decoded, other bytes kept); a
// customer is found only for a configured key, presented exactly.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "property.hpp"
#include "transport/api_keys.hpp"

namespace {

std::optional<int> hex_digit(char c) {
  std::string_view digits = "0123456789abcdef";
  auto at = digits.find(static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c));
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<int>(at);
}

std::string decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
      continue;
    }
    if (text[i] == '%' && i + 2 < text.size()) {
      auto high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
      if (high && low) {
        out += static_cast<char>(*high * 16 + *low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::optional<std::string> expected_parameter(std::string_view query, std::string_view name) {
  std::vector<std::string_view> pairs;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    pairs.push_back(query.substr(start, amp - start));
    start = amp + 1;
  }
  for (std::string_view pair : pairs) {
    auto eq = pair.find('=');
    std::string_view key = eq == std::string_view::npos ? pair : pair.substr(0, eq);
    if (key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return decoded(pair.substr(eq + 1));
  }
  return std::nullopt;
}

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");
const std::string key = "dev-0123456789abcdef0123456789abcdef";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::fuzz::expect;
  if (size < 2) return 0;
  // The server only ever asks for named parameters: names have 1 to 15 bytes.
  std::size_t name_size = std::min<std::size_t>(1 + data[0] % 15, size - 1);
  std::string_view name(reinterpret_cast<const char*>(data) + 1, name_size);
  std::string_view query(reinterpret_cast<const char*>(data) + 1 + name_size, size - 1 - name_size);

  auto got = chorus::query_parameter(query, name);
  auto want = expected_parameter(query, name);
  expect(got == want, "query_parameter reads the query as written",
         std::string(query) + " name=" + std::string(name) + " got=" + got.value_or("<none>") +
             " want=" + want.value_or("<none>"));

  static const chorus::ApiKeys keys({chorus::ApiKey{key, customer}});
  auto found = keys.customer_for(query, query);
  if (found) {
    expect(*found == customer, "only the configured customer is found");
    bool bearer = query == "Bearer " + key;
    bool in_query = !(query.size() > 7 && query.substr(0, 7) == "Bearer ") &&
                    (chorus::query_parameter(query, "token") == key ||
                     (!chorus::query_parameter(query, "token") &&
                      chorus::query_parameter(query, "accesskey") == key));
    expect(bearer || in_query, "a customer is found only for its key, presented exactly", query);
  }
  return 0;
}
