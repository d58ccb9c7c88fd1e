#pragma once
// Private to the SQLite store: the JSON bodies of the rows whose model types have
// no codec in model/json.hpp (extension groups, ring groups, missed calls, instant
// group calls: APIO's codec writes answers, not every field). Every field is
// kept, so a row reads back equal to what was written; field names are the
// model's (Yeastar's for ring groups).

#include <string>
#include <string_view>

#include "model/extension_group.hpp"
#include "model/instant_group_call.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"

namespace chorus::stored_bodies {

std::string encode(const ExtensionGroup& group);
std::string encode(const RingGroup& group);
std::string encode(const MissedCall& call);
std::string encode(const InstantGroupCall& service);

Result<ExtensionGroup> extension_group(std::string_view body);
Result<RingGroup> ring_group(std::string_view body);
Result<MissedCall> missed_call(std::string_view body);
Result<InstantGroupCall> instant_group_call(std::string_view body);

}  // namespace chorus::stored_bodies
