#include "actors/store/stored_bodies.hpp"

#include <array>
#include <optional>
#include <utility>

#include "model/json_detail.hpp"
#include "model/ring_group_json_detail.hpp"

namespace chorus::stored_bodies {

namespace {

using namespace json_detail;
using rapidjson::Value;

// What the store wrote itself: the directory checked every limit on the way in,
// so reading back only bounds a text to keep a damaged file from costing much.
constexpr std::size_t max_text = 64 * 1024;
constexpr std::size_t max_items = 64 * 1024;

// A ring group is Yeastar's Ring_Group_Detail (model/ring_group_json.cpp) in one
// flat object with the stamps and customer_id that Yeastar's codec leaves out.
constexpr std::array<const char*, 4> ring_group_own_fields{"customer_id", "tm_create", "tm_update",
                                                           "tm_delete"};

void write_stamps(JsonWriter& w, const Timestamp& create, const Timestamp& update,
                  const Timestamp& del) {
  write_key(w, "tm_create");
  write_timestamp(w, create);
  write_key(w, "tm_update");
  write_timestamp(w, update);
  write_key(w, "tm_delete");
  write_timestamp(w, del);
}

void write_ring_group(JsonWriter& w, const RingGroup& g) {
  w.StartObject();
  write_members(w, g);
  write_key(w, "customer_id");
  write_uuid(w, g.customer_id);
  write_stamps(w, g.tm_create, g.tm_update, g.tm_delete);
  w.EndObject();
}

void write_department(JsonWriter& w, const std::optional<ApioDepartment>& d) {
  if (!d) {
    w.Null();
    return;
  }
  w.StartObject();
  write_key(w, "tenant_id");
  write_string(w, d->tenant_id);
  write_key(w, "group_id");
  write_string(w, d->group_id);
  write_key(w, "department_name");
  write_string(w, d->department_name);
  write_key(w, "full_path_name");
  write_string(w, d->full_path_name);
  w.EndObject();
}

void write_instant_group_call(JsonWriter& w, const InstantGroupCall& s) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, s.id);
  write_key(w, "customer_id");
  write_uuid(w, s.customer_id);
  write_key(w, "tenant_id");
  write_string(w, s.tenant_id);
  write_key(w, "group_id");
  write_string(w, s.group_id);
  write_key(w, "service_user_id");
  write_string(w, s.service_user_id);
  write_key(w, "name");
  write_string(w, s.name);
  write_key(w, "department");
  write_department(w, s.department);
  write_key(w, "cli_first_name");
  write_string(w, s.cli_first_name);
  write_key(w, "cli_last_name");
  write_string(w, s.cli_last_name);
  write_key(w, "language");
  write_string(w, s.language);
  write_key(w, "time_zone");
  write_string(w, s.time_zone);
  write_key(w, "phone_number");
  write_string(w, s.phone_number);
  write_key(w, "extension");
  write_string(w, s.extension);
  write_key(w, "answer_timeout_minutes");
  w.Int(s.answer_timeout_minutes);
  write_key(w, "answer_timeout_enabled");
  w.Bool(s.answer_timeout_enabled);
  write_key(w, "destination_phone_numbers");
  w.StartArray();
  for (const auto& number : s.destination_phone_numbers) write_string(w, number);
  w.EndArray();
  write_key(w, "template_name");
  write_string(w, s.template_name);
  write_key(w, "active");
  w.Bool(s.active);
  write_stamps(w, s.tm_create, s.tm_update, s.tm_delete);
  w.EndObject();
}

// Takes the store's own fields out of a ring group's object, then reads the rest
// as Yeastar's Ring_Group_Detail, which refuses fields it does not know.
Status read_ring_group(Value& value, const Path& path, RingGroup& out) {
  ObjectReader reader(value, path);
  reader.uuid("customer_id", out.customer_id)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  if (!reader.status()) return reader.status();
  for (const char* name : ring_group_own_fields) value.RemoveMember(name);
  return read_value(value, path, out);
}

Status read_department(const Value& value, const Path& path, ApioDepartment& out) {
  ObjectReader reader(value, path);
  reader.string("tenant_id", out.tenant_id, max_text)
      .string("group_id", out.group_id, max_text)
      .string("department_name", out.department_name, max_text)
      .string("full_path_name", out.full_path_name, max_text);
  return reader.status();
}

Status read_instant_group_call(const Value& value, const Path& path, InstantGroupCall& out) {
  ObjectReader reader(value, path);
  reader.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("tenant_id", out.tenant_id, max_text)
      .string("group_id", out.group_id, max_text)
      .string("service_user_id", out.service_user_id, max_text)
      .string("name", out.name, max_text)
      .string("cli_first_name", out.cli_first_name, max_text)
      .string("cli_last_name", out.cli_last_name, max_text)
      .string("language", out.language, max_text)
      .string("time_zone", out.time_zone, max_text)
      .string("phone_number", out.phone_number, max_text)
      .string("extension", out.extension, max_text)
      .int32("answer_timeout_minutes", out.answer_timeout_minutes)
      .boolean("answer_timeout_enabled", out.answer_timeout_enabled)
      .strings("destination_phone_numbers", out.destination_phone_numbers, max_text, max_items)
      .string("template_name", out.template_name, max_text)
      .boolean("active", out.active)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  if (!reader.status()) return reader.status();
  const Value* department = reader.find("department");
  if (department == nullptr || department->IsNull()) return {};
  out.department.emplace();
  return read_department(*department, path.member("department"), *out.department);
}

}  // namespace

std::string encode(const RingGroup& group) {
  return encode_document(group, &write_ring_group);
}
std::string encode(const InstantGroupCall& service) {
  return encode_document(service, &write_instant_group_call);
}

Result<RingGroup> ring_group(std::string_view body) {
  Result<rapidjson::Document> document = parse_document(body);
  if (!document) return document.error();
  if (!document->IsObject()) return Error::invalid("body", "must be a JSON object");
  RingGroup group;
  if (Status status = read_ring_group(*document, Path(), group); !status) {
    return status.error();
  }
  return Result<RingGroup>(std::move(group));
}
Result<InstantGroupCall> instant_group_call(std::string_view body) {
  return decode_document(body, &read_instant_group_call);
}

}  // namespace chorus::stored_bodies
