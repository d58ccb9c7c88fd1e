#include "transport/api_keys.hpp"

namespace chorus {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

ApiKeys::ApiKeys(const std::vector<ApiKey>& keys) {
  for (auto& k : keys) customers_[k.key] = k.customer_id;
}

bool ApiKeys::appears_in(std::string_view text) const {
  for (auto& entry : customers_) {
    if (text.find(entry.first) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<Uuid> ApiKeys::customer_of(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  auto i = customers_.find(std::string(key));
  if (i == customers_.end()) return std::nullopt;
  return i->second;
}

std::optional<Uuid> ApiKeys::customer_for(std::string_view authorization,
                                          std::string_view query) const {
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() > bearer.size() && authorization.substr(0, bearer.size()) == bearer) {
    return customer_of(authorization.substr(bearer.size()));
  }
  if (auto token = query_parameter(query, "token")) return customer_of(*token);
  if (auto accesskey = query_parameter(query, "accesskey")) return customer_of(*accesskey);
  return std::nullopt;
}

}  // namespace chorus
