#pragma once
// The requests that create, change and join conferences, and their bodies in
// VoIPbin's shapes (REST v1.0). Decoding is strict: errors name the field and the
// rule, as for groupcalls; members a request does not know are ignored. The value
// rules live in validate(), which decoding applies and which an embedder building a
// request in C++ calls the same way.

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/result.hpp"
#include "model/text.hpp"
#include "model/uuid.hpp"

namespace chorus {

// POST /v1.0/conferences: {type?, id?, name?, detail?, timeout?, data?,
// pre_flow_id?, post_flow_id?, max_participants?}; what is left out keeps the
// defaults below.
struct ConferenceCreate {
  static constexpr std::int32_t max_timeout = 86400;  // seconds: a day
  static constexpr std::int32_t max_participants_limit = 10000;

  Uuid customer_id;  // the caller's, never the body's
  Uuid id;           // zero: the engine picks one
  ConferenceType type = ConferenceType::unset;
  Text name;
  Text detail;
  Text data;  // normal form (model/json_object.hpp); see conference_data_from_json
  std::int32_t timeout = 0;
  Uuid pre_flow_id;
  Uuid post_flow_id;
  std::int32_t max_participants = 0;
};

// PUT /v1.0/conferences/{id}: {name?, detail?, data?, timeout?, pre_flow_id?,
// post_flow_id?}. A member left out keeps the conference's value, so a body with
// all six, as VoIPbin's clients send, replaces all six.
struct ConferenceUpdate {
  std::optional<Text> name;
  std::optional<Text> detail;
  std::optional<Text> data;
  std::optional<std::int32_t> timeout;
  std::optional<Uuid> pre_flow_id;
  std::optional<Uuid> post_flow_id;
};

// POST /v1.0/conferencecalls (a Chorus extension: VoIPbin joins through flows):
// {conference_id, reference_type: "call", reference_id}, all three required.
struct ConferencecallJoin {
  Uuid customer_id;  // the caller's, never the body's
  Uuid conference_id;
  ConferencecallReferenceType reference_type = ConferencecallReferenceType::call;
  Uuid reference_id;
};

Result<ConferenceCreate> conference_create_from_json(std::string_view body,
                                                     const Uuid& customer_id);
Result<ConferenceUpdate> conference_update_from_json(std::string_view body);
Result<ConferencecallJoin> conferencecall_join_from_json(std::string_view body,
                                                         const Uuid& customer_id);

// The value rules: name and detail within field_limits, data in normal form,
// timeout 0..max_timeout, max_participants 0..max_participants_limit, ids of a join
// not zero.
Status validate(const ConferenceCreate& request);
Status validate(const ConferenceUpdate& request);
Status validate(const ConferencecallJoin& request);

// Writes the update's fields into `conference`; true if any value changed. The
// caller stamps tm_update.
bool apply(const ConferenceUpdate& update, Conference& conference);

}  // namespace chorus
