#pragma once
// The REST API's bodies in VoIPbin's shapes: requests decoded strictly (errors name
// the field and the rule), resources and lists encoded, errors in VoIPbin's envelope
// {"error":{"status","reason","message","request_id"}} (plus Chorus's "field").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/engine.hpp"
#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/directory_entry.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"

namespace chorus {

// POST /v1.0/groupcalls: {source, destinations, ring_method?, answer_method?,
// ring_timeout?, answer_timeout?, master_call_id?, owner_type?, owner_id?,
// conference_id?, repeats? (0..10), fail_on_single_reject?}; a destination may
// carry delay? and timeout? (0..3600 seconds).
Result<GroupcallRequest> groupcall_request_from_json(std::string_view body,
                                                     const Uuid& customer_id);
// POST /v1.0/calls: {source, destinations, ring_timeout?, answer_timeout?,
// master_call_id?}; VoIPbin's flow members (flow_id, actions, ...) are ignored.
Result<CallsRequest> calls_request_from_json(std::string_view body, const Uuid& customer_id);
// Its answer: {"calls":[...],"groupcalls":[...]}.
std::string calls_created_json(const CallsCreated& created);
// POST/PUT /v1.0/agents: {name, addresses, ring_method?}.
Result<Agent> agent_from_request(std::string_view body, const Uuid& customer_id);
// POST/PUT /v1.0/extensions: {name, extension, contacts?}.
Result<Extension> extension_from_request(std::string_view body, const Uuid& customer_id);
// POST/PUT /v1.0/extension_groups: {name, extensions} (extension ids or numbers).
Result<ExtensionGroup> extension_group_from_request(std::string_view body, const Uuid& customer_id);

// {"result":[...],"next_page_token":"..."}; the token is "" on the last page.
// A page, with next_page_token (VoIPbin's): the last item's tm_create, "" when empty.
std::string list_json(const std::vector<Groupcall>& items);
std::string list_json(const std::vector<Call>& items);
std::string list_json(const std::vector<Conference>& items);
std::string list_json(const std::vector<Conferencecall>& items);
std::string list_json(const std::vector<Agent>& items);
std::string list_json(const std::vector<Extension>& items);
std::string list_json(const std::vector<ExtensionGroup>& items);
std::string list_json(const std::vector<MissedCall>& items);  // paged

// An error answer's body, VoIPbin's envelope:
// {"error":{"status":"NOT_FOUND","reason":"GROUPCALL_NOT_FOUND","message":"...",
//  "request_id":"..."}}, and, Chorus's extension, "field":"<json path>" when the
// error is about one field (omitted when `field` is empty).
struct ErrorEnvelope {
  std::string_view status;  // the HTTP status's name in upper snake case
  std::string_view reason;  // what went wrong, in upper snake case
  std::string_view message;
  std::string_view field;
  std::string_view request_id;
};
std::string error_json(const ErrorEnvelope& error);
// /health: {"status":"ok","store":"ok"}, or "failing" and the store's fault.
// One part of a node's health: its name and its fault (none when it is fine).
struct HealthPart {
  std::string name;
  std::optional<std::string> fault;
};
// {"status":"ok"|"failing","store":...,<each part>:...}: failing when any has a fault.
std::string health_json(const std::optional<std::string>& store_fault,
                        const std::vector<HealthPart>& parts = {});

}  // namespace chorus
