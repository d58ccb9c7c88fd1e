#pragma once
// A missed call: a ring group member that rang and did not answer, recorded for
// its extension when the group has enb_miss_call = 1
// (GET /v1.0/extensions/{id}/missed_calls).

#include <cstdint>

#include "model/address.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct MissedCall {
  Uuid id;
  Uuid customer_id;
  Uuid extension_id;
  std::int32_t ring_group_id = 0;
  Uuid groupcall_id;  // the member's own groupcall (it rang the extension's contacts)
  Uuid master_call_id;
  Address source;  // who called
  Timestamp tm_create;

  bool operator==(const MissedCall& other) const;
  bool operator!=(const MissedCall& other) const { return !(*this == other); }
};

}  // namespace chorus
