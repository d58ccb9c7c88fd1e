#pragma once
// "Nothing is accepted that the validator refuses": a decoder that returns a value
// must return one whose every text passes check_text with its field's limit (UTF-8,
// no U+0000, at most its length) and whose every list is within its count limit.

#include <string>
#include <string_view>
#include <vector>

#include "model/address.hpp"
#include "model/directory_entry.hpp"
#include "model/field_limits.hpp"
#include "property.hpp"

namespace chorus::fuzz {

inline void expect_passes(const Status& status, std::string_view what) {
  if (!status) broken(std::string(what) + " passes the validator", status.error().message);
}

inline void expect_valid_text(std::string_view text, std::string_view field, std::size_t max) {
  expect_passes(check_text(text, field, max), field);
}

inline void expect_valid_address(const Address& address, std::string_view field) {
  expect_passes(check_address_text(address, field), field);
}

inline void expect_valid_addresses(const std::vector<Address>& addresses, std::string_view field,
                                   std::size_t max_items) {
  expect_passes(check_count(addresses.size(), field, max_items), field);
  for (const Address& address : addresses) expect_valid_address(address, field);
}

inline void expect_valid_agent(const Agent& agent) {
  expect_valid_text(agent.name, "agent.name", field_limits::directory_name);
  expect_valid_addresses(agent.addresses, "agent.addresses", field_limits::agent_addresses);
}

inline void expect_valid_extension(const Extension& extension) {
  expect_valid_text(extension.name, "extension.name", field_limits::directory_name);
  expect_valid_text(extension.extension, "extension.extension", field_limits::extension_number);
  expect_valid_addresses(extension.contacts, "extension.contacts",
                         field_limits::extension_contacts);
}

}  // namespace chorus::fuzz
