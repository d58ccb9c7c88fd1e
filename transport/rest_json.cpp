#include "transport/rest_json.hpp"

#include "model/conference_json_detail.hpp"
#include "model/field_limits.hpp"
#include "model/json.hpp"
#include "model/json_detail.hpp"

namespace chorus {

namespace jd = json_detail;

namespace {

template <class Body>
Result<Body> read_object(std::string_view body, const jd::Path& root,
                         Status (*read)(const rapidjson::Value&, const jd::Path&, Body&)) {
  auto doc = jd::parse_document(body);
  if (!doc) return doc.error();
  // The root has no field name of its own: name it "body", as the model's codecs do.
  if (!doc->IsObject()) return Error::invalid("body", "must be a JSON object");
  Body out;
  if (auto status = read(*doc, root, out); !status) return status.error();
  return out;
}

Status require(const rapidjson::Value& doc, std::string_view name) {
  auto member = doc.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  if (member == doc.MemberEnd()) return Error::invalid(std::string(name), "is required");
  return {};
}

// What a groupcall and VoIPbin's call creation both take: who calls, whom, and
// for how long. Fails when source or destinations is missing.
template <class Request>
Status read_placement(const rapidjson::Value& doc, jd::ObjectReader& reader, Request& out) {
  if (!reader.status()) return reader.status();
  if (auto s = require(doc, "source"); !s) return s;
  if (auto s = require(doc, "destinations"); !s) return s;
  reader.address("source", out.source)
      .addresses("destinations", out.destinations)
      .int32("ring_timeout", out.ring_timeout)
      .int32("answer_timeout", out.answer_timeout)
      .uuid("master_call_id", out.master_call_id);
  return reader.status();
}

Status read_groupcall_request(const rapidjson::Value& doc, const jd::Path& root,
                              GroupcallRequest& out) {
  jd::ObjectReader reader(doc, root);
  if (auto s = read_placement(doc, reader, out); !s) return s;
  reader.ring_method("ring_method", out.ring_method)
      .answer_method("answer_method", out.answer_method)
      .string("owner_type", out.owner_type, field_limits::owner_type)
      .uuid("owner_id", out.owner_id)
      .uuid("conference_id", out.conference_id)
      .int32("repeats", out.repeats, 0, Groupcall::max_repeats)
      .boolean("fail_on_single_reject", out.fail_on_single_reject);
  // The rules on values (non-empty destinations, timeouts, limits) are the
  // engine's: create_groupcall applies them for every caller.
  return reader.status();
}

Status read_calls_request(const rapidjson::Value& doc, const jd::Path& root, CallsRequest& out) {
  jd::ObjectReader reader(doc, root);
  return read_placement(doc, reader, out);
}

Status read_agent_request(const rapidjson::Value& doc, const jd::Path& root, Agent& out) {
  jd::ObjectReader reader(doc, root);
  if (!reader.status()) return reader.status();
  if (auto s = require(doc, "addresses"); !s) return s;
  reader.string("name", out.name, field_limits::directory_name)
      .addresses("addresses", out.addresses, field_limits::agent_addresses)
      .ring_method("ring_method", out.ring_method);
  return reader.status();
}

Status read_extension_request(const rapidjson::Value& doc, const jd::Path& root, Extension& out) {
  jd::ObjectReader reader(doc, root);
  if (!reader.status()) return reader.status();
  if (auto s = require(doc, "extension"); !s) return s;
  reader.string("name", out.name, field_limits::directory_name)
      .string("extension", out.extension, field_limits::extension_number)
      .addresses("contacts", out.contacts, field_limits::extension_contacts);
  return reader.status();
}

Status read_extension_group_request(const rapidjson::Value& doc, const jd::Path& root,
                                    ExtensionGroup& out) {
  jd::ObjectReader reader(doc, root);
  if (!reader.status()) return reader.status();
  if (auto s = require(doc, "extensions"); !s) return s;
  reader.string("name", out.name, field_limits::directory_name)
      .strings("extensions", out.extensions, field_limits::extension_number,
               field_limits::extension_group_members);
  return reader.status();
}

template <class Item>
std::string write_list(const std::vector<Item>& items, const std::string* next_token) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "result");
  w.StartArray();
  for (auto& item : items) jd::write_value(w, item);
  w.EndArray();
  if (next_token) {
    jd::write_key(w, "next_page_token");
    jd::write_string(w, *next_token);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// As VoIPbin pages: any page that is not empty leads on from its last tm_create;
// the walk ends on an empty page, whose token is "".
template <class Item>
std::string paged_list(const std::vector<Item>& items) {
  std::string token = items.empty() ? "" : items.back().tm_create.to_string();
  return write_list(items, &token);
}

}  // namespace

Result<GroupcallRequest> groupcall_request_from_json(std::string_view body,
                                                     const Uuid& customer_id) {
  auto request = read_object<GroupcallRequest>(body, jd::Path{}, read_groupcall_request);
  if (request) request->customer_id = customer_id;
  return request;
}

Result<CallsRequest> calls_request_from_json(std::string_view body, const Uuid& customer_id) {
  auto request = read_object<CallsRequest>(body, jd::Path{}, read_calls_request);
  if (request) request->customer_id = customer_id;
  return request;
}

std::string calls_created_json(const CallsCreated& created) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "calls");
  w.StartArray();
  for (auto& c : created.calls) jd::write_value(w, c);
  w.EndArray();
  jd::write_key(w, "groupcalls");
  w.StartArray();
  for (auto& g : created.groupcalls) jd::write_value(w, g);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Agent> agent_from_request(std::string_view body, const Uuid& customer_id) {
  auto agent = read_object<Agent>(body, jd::Path{}, read_agent_request);
  if (agent) agent->customer_id = customer_id;
  return agent;
}

Result<Extension> extension_from_request(std::string_view body, const Uuid& customer_id) {
  auto extension = read_object<Extension>(body, jd::Path{}, read_extension_request);
  if (extension) extension->customer_id = customer_id;
  return extension;
}

Result<ExtensionGroup> extension_group_from_request(std::string_view body,
                                                    const Uuid& customer_id) {
  auto group = read_object<ExtensionGroup>(body, jd::Path{}, read_extension_group_request);
  if (group) group->customer_id = customer_id;
  return group;
}

std::string list_json(const std::vector<Groupcall>& items) {
  return paged_list(items);
}

std::string list_json(const std::vector<Call>& items) {
  return paged_list(items);
}

std::string list_json(const std::vector<Conference>& items) {
  return paged_list(items);
}

std::string list_json(const std::vector<Conferencecall>& items) {
  return paged_list(items);
}

std::string list_json(const std::vector<Agent>& items) {
  return write_list(items, nullptr);
}

std::string list_json(const std::vector<Extension>& items) {
  return write_list(items, nullptr);
}

std::string list_json(const std::vector<ExtensionGroup>& items) {
  return write_list(items, nullptr);
}

std::string list_json(const std::vector<MissedCall>& items) {
  return paged_list(items);
}

std::string error_json(const ErrorEnvelope& error) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "error");
  w.StartObject();
  jd::write_key(w, "status");
  jd::write_string(w, error.status);
  jd::write_key(w, "reason");
  jd::write_string(w, error.reason);
  jd::write_key(w, "message");
  jd::write_string(w, error.message);
  if (!error.field.empty()) {
    jd::write_key(w, "field");
    jd::write_string(w, error.field);
  }
  jd::write_key(w, "request_id");
  jd::write_string(w, error.request_id);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string health_json(const std::optional<std::string>& store_fault,
                        const std::vector<HealthPart>& parts) {
  bool failing = store_fault.has_value();
  for (const auto& part : parts) failing = failing || part.fault.has_value();
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "status");
  jd::write_string(w, failing ? "failing" : "ok");
  jd::write_key(w, "store");
  jd::write_string(w, store_fault ? *store_fault : "ok");
  for (const auto& part : parts) {
    w.Key(part.name.c_str(), static_cast<rapidjson::SizeType>(part.name.size()));
    jd::write_string(w, part.fault ? *part.fault : "ok");
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace chorus
