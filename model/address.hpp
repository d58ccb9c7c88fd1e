#pragma once
// An address: who a leg calls or calls from (VoIPbin's Address struct).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"
#include "model/text.hpp"

namespace chorus {

enum class AddressType {
  tel,                 // an E.164 number
  endpoint,            // a SIP-ish endpoint "user@domain"
  sip,                 // a full SIP URI
  extension,           // a PBX extension: rings that extension's registered contacts
  agent,               // an agent: rings the agent's addresses
  ring_group,          // extension: a ring group by number, rung with its own strategy
  instant_group_call,  // extension: an APIO instant group call by serviceUserId or phoneNumber
};

std::string_view to_string(AddressType type);
std::optional<AddressType> parse_address_type(std::string_view text);

struct Address {
  AddressType type = AddressType::tel;
  // Shared text: every leg of a groupcall holds its caller's address, by reference.
  Text target;       // number, URI or id, by type
  Text target_name;  // display name of the target (or an extension number)
  Text name;         // display name of the address
  Text detail;       // free text
  // Extensions, on a groupcall's destination only: seconds after its step starts
  // before this branch rings, and seconds it rings (0: the ring method's own).
  std::int32_t delay = 0;
  std::int32_t timeout = 0;

  friend bool operator==(const Address& a, const Address& b) {
    return a.type == b.type && a.target == b.target && a.target_name == b.target_name &&
           a.name == b.name && a.detail == b.detail && a.delay == b.delay && a.timeout == b.timeout;
  }
  friend bool operator!=(const Address& a, const Address& b) { return !(a == b); }
};

// Checks each text of an address against its limit and encoding (field_limits.hpp);
// `field` is the address's JSON path.
Status check_address_text(const Address& address, std::string_view field);

// Checks what a destination must satisfy to be dialled, its texts included.
Status validate_destination(const Address& address, std::string_view field);

}  // namespace chorus
