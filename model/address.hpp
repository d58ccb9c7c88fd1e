#pragma once
// An address: who a leg calls or calls from (VoIPbin's Address struct).

#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace chorus {

enum class AddressType {
  tel,        // an E.164 number
  endpoint,   // a SIP-ish endpoint "user@domain"
  sip,        // a full SIP URI
  extension,  // a PBX extension: rings that extension's registered contacts
  agent,      // an agent: rings the agent's addresses
};

std::string_view to_string(AddressType type);
std::optional<AddressType> parse_address_type(std::string_view text);

struct Address {
  AddressType type = AddressType::tel;
  std::string target;       // number, URI or id, by type
  std::string target_name;  // display name of the target (or an extension number)
  std::string name;         // display name of the address
  std::string detail;       // free text

  friend bool operator==(const Address& a, const Address& b) {
    return a.type == b.type && a.target == b.target && a.target_name == b.target_name &&
           a.name == b.name && a.detail == b.detail;
  }
  friend bool operator!=(const Address& a, const Address& b) { return !(a == b); }
};

// Checks what a destination must satisfy to be dialled; `field` is its JSON path.
Status validate_destination(const Address& address, std::string_view field);

}  // namespace chorus
