#pragma once
// A call: one leg of a groupcall (VoIPbin's Call struct).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/address.hpp"
#include "model/text.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

// One byte each: a million ringing legs hold a snapshot apiece (see Call).
enum class CallStatus : std::uint8_t {
  dialing,
  ringing,
  progressing,
  terminating,
  canceling,
  hangup
};
enum class CallDirection : std::uint8_t { unset, incoming, outgoing };
enum class HangupBy : std::uint8_t { unset, local, remote };
enum class HangupReason : std::uint8_t {
  unset,
  normal,
  failed,
  busy,
  cancel,
  timeout,
  noanswer,
  dialout,
  amd
};

std::string_view to_string(CallStatus status);
std::string_view to_string(CallDirection direction);
std::string_view to_string(HangupBy by);
std::string_view to_string(HangupReason reason);
std::optional<CallStatus> parse_call_status(std::string_view text);
std::optional<CallDirection> parse_call_direction(std::string_view text);
std::optional<HangupBy> parse_hangup_by(std::string_view text);
std::optional<HangupReason> parse_hangup_reason(std::string_view text);

// Every live leg holds one snapshot (shared with the registry), so its size is
// per-leg memory: 240 bytes keeps it, with make_shared's count, in a 256-byte
// allocation. Addresses and the SDP answer are shared texts (one pointer each).
struct Call {
  Uuid id;
  Uuid customer_id;
  Uuid groupcall_id;
  Uuid master_call_id;
  // Extension: the conference the call is in now (zero when none). A change of it
  // alone publishes call_updated.
  Uuid conference_id;
  Address source;
  Address destination;
  CallDirection direction = CallDirection::outgoing;
  CallStatus status = CallStatus::dialing;
  HangupBy hangup_by = HangupBy::unset;
  HangupReason hangup_reason = HangupReason::unset;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_progressing;
  Timestamp tm_ringing;
  Timestamp tm_hangup;
  Timestamp tm_delete;
  // Extension, embedding API only (never in JSON, events on the wire or the
  // store): the SDP the destination answered with, when its driver reported one,
  // for an embedding softswitch to bridge media. Empty otherwise.
  Text sdp_answer;

  bool operator==(const Call& other) const;
  bool operator!=(const Call& other) const { return !(*this == other); }
};

}  // namespace chorus
