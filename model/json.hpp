#pragma once
// JSON codecs for the model, in VoIPbin's field names and formats. Decoding is
// strict about types, enum strings, UUIDs and timestamps (errors name the field),
// and lenient about absent fields, which keep their defaults; encoding writes
// every field, except an address's delay and timeout (extensions), written only
// when set so that a plain address is VoIPbin's exactly. RapidJSON stays behind
// this header.

#include <string>
#include <string_view>

#include "model/call.hpp"
#include "model/directory_entry.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"

namespace chorus {

std::string to_json(const Address& address);
std::string to_json(const Groupcall& groupcall);
std::string to_json(const Call& call);
std::string to_json(const Agent& agent);
std::string to_json(const Extension& extension);
std::string to_json(const ExtensionGroup& group);
std::string to_json(const MissedCall& missed_call);

Result<Address> address_from_json(std::string_view json);
Result<Groupcall> groupcall_from_json(std::string_view json);
Result<Call> call_from_json(std::string_view json);
Result<Agent> agent_from_json(std::string_view json);
Result<Extension> extension_from_json(std::string_view json);
Result<ExtensionGroup> extension_group_from_json(std::string_view json);
Result<MissedCall> missed_call_from_json(std::string_view json);

}  // namespace chorus
