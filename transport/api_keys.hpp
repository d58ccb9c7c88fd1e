#pragma once
// API keys and the customers they act for. A key is read, in VoIPbin's order, from
// `Authorization: Bearer <key>`, then the `token` query parameter, then `accesskey`.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/chorusd_options.hpp"
#include "model/uuid.hpp"

namespace chorus {

class ApiKeys {
 public:
  explicit ApiKeys(const std::vector<ApiKey>& keys);

  // The customer for a request's credentials, or nullopt (missing or unknown key).
  std::optional<Uuid> customer_for(std::string_view authorization, std::string_view query) const;
  std::optional<Uuid> customer_of(std::string_view key) const;
  // Whether `text` holds any key: client text that is repeated back or logged (a request
  // id) must not carry one.
  bool appears_in(std::string_view text) const;

 private:
  std::unordered_map<std::string, Uuid> customers_;
};

// The value of `name` in a query string ("a=1&b=2"), percent-decoded; nullopt if absent.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace chorus
