#pragma once
// The REST API's bodies in VoIPbin's shapes: requests decoded strictly (errors name
// the field and the rule), resources and lists encoded, errors as
// {"error":"<code>","message":"..."}.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/engine.hpp"
#include "model/call.hpp"
#include "model/directory_entry.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace chorus {

// POST /v1.0/groupcalls: {source, destinations, ring_method?, answer_method?,
// ring_timeout?, answer_timeout?, master_call_id?, owner_type?, owner_id?}.
Result<GroupcallRequest> groupcall_request_from_json(std::string_view body,
                                                     const Uuid& customer_id);
// POST/PUT /v1.0/agents: {name, addresses, ring_method?}.
Result<Agent> agent_from_request(std::string_view body, const Uuid& customer_id);
// POST/PUT /v1.0/extensions: {name, extension, contacts?}.
Result<Extension> extension_from_request(std::string_view body, const Uuid& customer_id);

// {"result":[...],"next_page_token":"..."}; the token is "" on the last page.
// A page, with next_page_token (VoIPbin's): the last item's tm_create, "" when empty.
std::string list_json(const std::vector<Groupcall>& items);
std::string list_json(const std::vector<Call>& items);
std::string list_json(const std::vector<Agent>& items);
std::string list_json(const std::vector<Extension>& items);

std::string error_json(std::string_view code, std::string_view message);
// /health: {"status":"ok","store":"ok"}, or "failing" and the store's fault.
std::string health_json(const std::optional<std::string>& store_fault);

}  // namespace chorus
