#include "model/conference_json.hpp"

#include "model/conference_enum_names.hpp"
#include "model/conference_json_detail.hpp"
#include "model/direct_hash.hpp"
#include "model/field_limits.hpp"
#include "model/json_object.hpp"

namespace chorus {
namespace json_detail {
namespace {

constexpr JsonObjectLimits conference_data_limits{field_limits::conference_data,
                                                  field_limits::conference_data_depth};

}  // namespace

void write_value(JsonWriter& w, const Conference& c) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, c.id);
  write_key(w, "customer_id");
  write_uuid(w, c.customer_id);
  write_key(w, "type");
  write_string(w, to_string(c.type));
  write_key(w, "status");
  write_string(w, to_string(c.status));
  write_key(w, "name");
  write_string(w, c.name);
  write_key(w, "detail");
  write_string(w, c.detail);
  write_key(w, "data");
  write_json_object(w, c.data);
  write_key(w, "timeout");
  w.Int(c.timeout);
  write_key(w, "pre_flow_id");
  write_uuid(w, c.pre_flow_id);
  write_key(w, "post_flow_id");
  write_uuid(w, c.post_flow_id);
  write_key(w, "conferencecall_ids");
  write_uuids(w, c.conferencecall_ids);
  write_key(w, "recording_id");
  write_uuid(w, c.recording_id);
  write_key(w, "recording_ids");
  write_uuids(w, c.recording_ids);
  write_key(w, "transcribe_id");
  write_uuid(w, c.transcribe_id);
  write_key(w, "transcribe_ids");
  write_uuids(w, c.transcribe_ids);
  write_key(w, "direct_hash");
  write_string(w, c.direct_hash);
  write_key(w, "max_participants");
  w.Int(c.max_participants);
  write_key(w, "tm_end");
  write_timestamp(w, c.tm_end);
  write_key(w, "tm_create");
  write_timestamp(w, c.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, c.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, c.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const Conferencecall& c) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, c.id);
  write_key(w, "customer_id");
  write_uuid(w, c.customer_id);
  write_key(w, "activeflow_id");
  write_uuid(w, c.activeflow_id);
  write_key(w, "conference_id");
  write_uuid(w, c.conference_id);
  write_key(w, "reference_type");
  write_string(w, to_string(c.reference_type));
  write_key(w, "reference_id");
  write_uuid(w, c.reference_id);
  write_key(w, "status");
  write_string(w, to_string(c.status));
  write_key(w, "tm_create");
  write_timestamp(w, c.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, c.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, c.tm_delete);
  w.EndObject();
}

void read_conference_data(ObjectReader& r, std::string_view name, Text& out) {
  const rapidjson::Value* v = r.find(name);
  if (v == nullptr) return;
  if (auto rule = read_json_object(*v, conference_data_limits, out)) r.fail(name, std::move(*rule));
}

Status read_value(const rapidjson::Value& value, const Path& path, Conference& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id).uuid("customer_id", out.customer_id);
  read_enum(r, "type", detail::conference_type_names, out.type);
  read_enum(r, "status", detail::conference_status_names, out.status);
  r.text("name", out.name, field_limits::conference_name)
      .text("detail", out.detail, field_limits::conference_detail);
  read_conference_data(r, "data", out.data);
  r.int32("timeout", out.timeout)
      .uuid("pre_flow_id", out.pre_flow_id)
      .uuid("post_flow_id", out.post_flow_id)
      .uuids("conferencecall_ids", out.conferencecall_ids)
      .uuid("recording_id", out.recording_id)
      .uuids("recording_ids", out.recording_ids)
      .uuid("transcribe_id", out.transcribe_id)
      .uuids("transcribe_ids", out.transcribe_ids)
      .text("direct_hash", out.direct_hash, direct_hash_size)
      .int32("max_participants", out.max_participants)
      .timestamp("tm_end", out.tm_end)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const rapidjson::Value& value, const Path& path, Conferencecall& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .uuid("activeflow_id", out.activeflow_id)
      .uuid("conference_id", out.conference_id);
  read_enum(r, "reference_type", detail::conferencecall_reference_type_names, out.reference_type);
  r.uuid("reference_id", out.reference_id);
  read_enum(r, "status", detail::conferencecall_status_names, out.status);
  r.timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

}  // namespace json_detail

std::string to_json(const Conference& conference) {
  return json_detail::encode_document(conference, json_detail::write_value);
}
std::string to_json(const Conferencecall& conferencecall) {
  return json_detail::encode_document(conferencecall, json_detail::write_value);
}

Result<Conference> conference_from_json(std::string_view json) {
  return json_detail::decode_document<Conference>(json, json_detail::read_value);
}
Result<Conferencecall> conferencecall_from_json(std::string_view json) {
  return json_detail::decode_document<Conferencecall>(json, json_detail::read_value);
}

Result<Text> conference_data_from_json(std::string_view json) {
  Result<rapidjson::Document> document = json_detail::parse_document(json);
  if (!document) {
    // parse_document names the whole text "body"; here the whole text is the data.
    const Error& error = document.error();
    const std::size_t prefix = error.field.empty() ? 0 : error.field.size() + 2;
    return Error::invalid("data", error.message.substr(prefix));
  }
  Text data;
  if (auto rule =
          json_detail::read_json_object(*document, json_detail::conference_data_limits, data)) {
    return Error::invalid("data", std::move(*rule));
  }
  return data;
}

}  // namespace chorus
