#pragma once
// What the directory holds for nested groupcalls: agents (a person reachable at
// several addresses) and extensions (a PBX number and its registered contacts).

#include <string>
#include <vector>

#include "model/address.hpp"
#include "model/groupcall.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct Agent {
  Uuid id;
  Uuid customer_id;
  std::string name;
  std::vector<Address> addresses;  // rung as a nested groupcall with ring_method
  RingMethod ring_method = RingMethod::unset;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Agent& other) const;
  bool operator!=(const Agent& other) const { return !(*this == other); }
};

struct Extension {
  Uuid id;
  Uuid customer_id;
  std::string name;
  std::string extension;          // the number dialled, e.g. "2001"
  std::vector<Address> contacts;  // registered contacts, rung all at once
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Extension& other) const;
  bool operator!=(const Extension& other) const { return !(*this == other); }
};

}  // namespace chorus
