#pragma once
// A conference: a bridge that calls join and leave (VoIPbin's Conference struct, plus
// max_participants where VoIPbin is silent).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/text.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

// "" is kept apart from conference so a resource round-trips as it was written;
// effective() says how the engine treats it.
enum class ConferenceType { unset, conference, connect };
enum class ConferenceStatus { starting, progressing, terminating, terminated };

std::string_view to_string(ConferenceType type);
std::string_view to_string(ConferenceStatus status);
std::optional<ConferenceType> parse_conference_type(std::string_view text);
std::optional<ConferenceStatus> parse_conference_status(std::string_view text);

constexpr ConferenceType effective(ConferenceType t) {
  return t == ConferenceType::unset ? ConferenceType::conference : t;
}

struct Conference {
  Uuid id;
  Uuid customer_id;
  ConferenceType type = ConferenceType::unset;
  // The engine makes a conference progressing as it creates it; starting is only
  // ever seen in a snapshot taken before that.
  ConferenceStatus status = ConferenceStatus::starting;
  Text name;
  Text detail;
  // A free JSON object, held as its compact text (see model/json_object.hpp); empty
  // means {}. Text, like name and detail, so copying a snapshot copies no characters.
  Text data;
  std::int32_t timeout = 0;  // seconds; 0 = none
  Uuid pre_flow_id;          // stored as given; Chorus runs no flows
  Uuid post_flow_id;
  std::vector<Uuid> conferencecall_ids;  // the participants in it now, in join order
  // Chorus records and transcribes nothing: these stay zero and empty.
  Uuid recording_id;
  std::vector<Uuid> recording_ids;
  Uuid transcribe_id;
  std::vector<Uuid> transcribe_ids;
  Text direct_hash;  // a random token, unique per conference (model/direct_hash.hpp)
  // Extension: the most participants it holds at once; 0 = unlimited.
  std::int32_t max_participants = 0;
  Timestamp tm_end;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Conference& other) const;
  bool operator!=(const Conference& other) const { return !(*this == other); }
};

// Whether a join would take the conference past max_participants.
bool is_full(const Conference& conference);

}  // namespace chorus
