#pragma once
// An extension group: a named set of extensions that a ring group member of type
// ext_group rings together (Chorus's directory, /v1.0/extension_groups).

#include <string>
#include <vector>

#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct ExtensionGroup {
  Uuid id;
  Uuid customer_id;
  std::string name;
  // Each an extension's id or number, as written; resolved when a call rings it,
  // so an extension deleted since is skipped rather than refused.
  std::vector<std::string> extensions;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const ExtensionGroup& other) const;
  bool operator!=(const ExtensionGroup& other) const { return !(*this == other); }
};

}  // namespace chorus
