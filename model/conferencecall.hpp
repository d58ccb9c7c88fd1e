#pragma once
// A conferencecall: one participant of a conference (VoIPbin's Conferencecall struct,
// ../shared/reference/002: a call joined to a conference).

#include <optional>
#include <string_view>

#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

enum class ConferencecallStatus { joining, joined, leaving, leaved };
// What the participant is; a call is the only kind the reference defines.
enum class ConferencecallReferenceType { call };

std::string_view to_string(ConferencecallStatus status);
std::string_view to_string(ConferencecallReferenceType type);
std::optional<ConferencecallStatus> parse_conferencecall_status(std::string_view text);
std::optional<ConferencecallReferenceType> parse_conferencecall_reference_type(
    std::string_view text);

struct Conferencecall {
  Uuid id;
  Uuid customer_id;
  Uuid activeflow_id;  // VoIPbin's; Chorus runs no flows, so it stays zero
  Uuid conference_id;
  ConferencecallReferenceType reference_type = ConferencecallReferenceType::call;
  Uuid reference_id;  // the call's id
  ConferencecallStatus status = ConferencecallStatus::joining;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Conferencecall& other) const;
  bool operator!=(const Conferencecall& other) const { return !(*this == other); }
};

}  // namespace chorus
