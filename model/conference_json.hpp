#pragma once
// JSON codecs for conferences and conferencecalls, in VoIPbin's field names and
// formats, with the rules of model/json.hpp: decoding is strict about types, enum
// strings, UUIDs and timestamps (errors name the field) and lenient about absent
// fields; encoding writes every field, and encode(decode(encode(x))) == encode(x).

#include <string>
#include <string_view>

#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/result.hpp"
#include "model/text.hpp"

namespace chorus {

std::string to_json(const Conference& conference);
std::string to_json(const Conferencecall& conferencecall);

Result<Conference> conference_from_json(std::string_view json);
Result<Conferencecall> conferencecall_from_json(std::string_view json);

// A conference's data from JSON text, in the normal form Conference::data holds
// (model/json_object.hpp), within field_limits' conference_data and
// conference_data_depth. For callers that have data as text, such as an embedder
// filling a ConferenceCreate; errors name "data".
Result<Text> conference_data_from_json(std::string_view json);

}  // namespace chorus
