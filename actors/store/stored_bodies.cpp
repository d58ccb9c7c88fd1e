#include "actors/store/stored_bodies.hpp"

#include <cstdint>
#include <optional>
#include <vector>

#include "model/json_detail.hpp"

namespace chorus::stored_bodies {

namespace {

using namespace json_detail;
using rapidjson::SizeType;
using rapidjson::Value;

// What the store wrote itself: the directory checked every limit on the way in,
// so reading back only bounds a text to keep a damaged file from costing much.
constexpr std::size_t max_text = 64 * 1024;
constexpr std::size_t max_items = 64 * 1024;

void write_int(JsonWriter& w, std::int32_t value) {
  w.Int(value);
}

void write_member(JsonWriter& w, const RingGroupMember& m) {
  w.StartObject();
  write_key(w, "value");
  write_string(w, m.value);
  write_key(w, "type");
  write_string(w, to_string(m.type));
  write_key(w, "text");
  write_string(w, m.text);
  write_key(w, "text2");
  write_string(w, m.text2);
  write_key(w, "delay_time");
  write_int(w, m.delay_time);
  write_key(w, "timeout");
  write_int(w, m.timeout);
  write_key(w, "sub_option");
  if (m.sub_option) {
    w.StartArray();
    for (const auto& sub : *m.sub_option) write_member(w, sub);
    w.EndArray();
  } else {
    w.Null();
  }
  w.EndObject();
}

void write_group(JsonWriter& w, const RingGroup& g) {
  w.StartObject();
  write_key(w, "id");
  write_int(w, g.id);
  write_key(w, "customer_id");
  write_uuid(w, g.customer_id);
  write_key(w, "number");
  write_string(w, g.number);
  write_key(w, "name");
  write_string(w, g.name);
  write_key(w, "ring_strategy");
  write_string(w, to_string(g.ring_strategy));
  write_key(w, "ring_timeout");
  write_int(w, g.ring_timeout);
  write_key(w, "member_list");
  w.StartArray();
  for (const auto& member : g.member_list) write_member(w, member);
  w.EndArray();
  write_key(w, "fail_dest");
  write_string(w, to_string(g.fail_dest));
  write_key(w, "fail_dest_prefix");
  write_string(w, g.fail_dest_prefix);
  write_key(w, "fail_dest_value");
  write_string(w, g.fail_dest_value);
  write_key(w, "alert_info");
  write_string(w, g.alert_info);
  write_key(w, "welcome_prompt");
  write_string(w, g.welcome_prompt);
  write_key(w, "moh");
  write_string(w, g.moh);
  write_key(w, "join_prompt");
  write_string(w, g.join_prompt);
  write_key(w, "play_full_join_prompt");
  write_int(w, g.play_full_join_prompt);
  write_key(w, "client_unique_ringtone");
  write_string(w, g.client_unique_ringtone);
  write_key(w, "no_agent_online_dest");
  write_string(w, to_string(g.no_agent_online_dest));
  write_key(w, "no_agent_online_prefix");
  write_string(w, g.no_agent_online_prefix);
  write_key(w, "no_agent_online_value");
  write_string(w, g.no_agent_online_value);
  write_key(w, "enb_miss_call");
  write_int(w, g.enb_miss_call);
  write_key(w, "tm_create");
  write_timestamp(w, g.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, g.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, g.tm_delete);
  w.EndObject();
}

void write_extension_group(JsonWriter& w, const ExtensionGroup& g) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, g.id);
  write_key(w, "customer_id");
  write_uuid(w, g.customer_id);
  write_key(w, "name");
  write_string(w, g.name);
  write_key(w, "extensions");
  w.StartArray();
  for (const auto& entry : g.extensions) write_string(w, entry);
  w.EndArray();
  write_key(w, "tm_create");
  write_timestamp(w, g.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, g.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, g.tm_delete);
  w.EndObject();
}

void write_missed_call(JsonWriter& w, const MissedCall& m) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, m.id);
  write_key(w, "customer_id");
  write_uuid(w, m.customer_id);
  write_key(w, "extension_id");
  write_uuid(w, m.extension_id);
  write_key(w, "ring_group_id");
  write_int(w, m.ring_group_id);
  write_key(w, "groupcall_id");
  write_uuid(w, m.groupcall_id);
  write_key(w, "master_call_id");
  write_uuid(w, m.master_call_id);
  write_key(w, "source");
  write_value(w, m.source);
  write_key(w, "tm_create");
  write_timestamp(w, m.tm_create);
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
  write_int(w, s.answer_timeout_minutes);
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
  write_key(w, "tm_create");
  write_timestamp(w, s.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, s.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, s.tm_delete);
  w.EndObject();
}

// An enum member by its names' parser.
template <class E>
void read_enum(ObjectReader& reader, std::string_view name,
               std::optional<E> (*parse)(std::string_view), E& out) {
  const Value* v = reader.find(name);
  if (v == nullptr) return;
  std::optional<E> parsed;
  if (v->IsString()) parsed = parse(std::string_view(v->GetString(), v->GetStringLength()));
  if (parsed) {
    out = *parsed;
  } else {
    reader.fail(name, "is not a known value");
  }
}

Status read_member(const Value& value, const Path& path, RingGroupMember& out, int depth);

Status read_members(const Value& value, const Path& path, std::vector<RingGroupMember>& out,
                    int depth) {
  if (!value.IsArray()) return Error::invalid(path.to_string(), "must be an array");
  out.resize(value.Size());
  for (SizeType i = 0; i < value.Size(); ++i) {
    if (auto s = read_member(value[i], path.element(i), out[i], depth); !s) return s;
  }
  return {};
}

Status read_member(const Value& value, const Path& path, RingGroupMember& out, int depth) {
  ObjectReader reader(value, path);
  reader.string("value", out.value, max_text)
      .string("text", out.text, max_text)
      .string("text2", out.text2, max_text)
      .int32("delay_time", out.delay_time)
      .int32("timeout", out.timeout);
  read_enum(reader, "type", &parse_ring_group_member_type, out.type);
  if (!reader.status()) return reader.status();
  const Value* sub = reader.find("sub_option");
  if (sub == nullptr || sub->IsNull()) return {};
  if (depth > 0) return Error::invalid(path.member("sub_option").to_string(), "nests too deep");
  out.sub_option.emplace();
  return read_members(*sub, path.member("sub_option"), *out.sub_option, depth + 1);
}

Status read_group(const Value& value, const Path& path, RingGroup& out) {
  ObjectReader reader(value, path);
  reader.int32("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("number", out.number, max_text)
      .string("name", out.name, max_text)
      .int32("ring_timeout", out.ring_timeout)
      .string("fail_dest_prefix", out.fail_dest_prefix, max_text)
      .string("fail_dest_value", out.fail_dest_value, max_text)
      .string("alert_info", out.alert_info, max_text)
      .string("welcome_prompt", out.welcome_prompt, max_text)
      .string("moh", out.moh, max_text)
      .string("join_prompt", out.join_prompt, max_text)
      .int32("play_full_join_prompt", out.play_full_join_prompt)
      .string("client_unique_ringtone", out.client_unique_ringtone, max_text)
      .string("no_agent_online_prefix", out.no_agent_online_prefix, max_text)
      .string("no_agent_online_value", out.no_agent_online_value, max_text)
      .int32("enb_miss_call", out.enb_miss_call)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  read_enum(reader, "ring_strategy", &parse_ring_strategy, out.ring_strategy);
  read_enum(reader, "fail_dest", &parse_failover_dest, out.fail_dest);
  read_enum(reader, "no_agent_online_dest", &parse_failover_dest, out.no_agent_online_dest);
  if (!reader.status()) return reader.status();
  const Value* members = reader.find("member_list");
  if (members == nullptr) return {};
  return read_members(*members, path.member("member_list"), out.member_list, 0);
}

Status read_extension_group(const Value& value, const Path& path, ExtensionGroup& out) {
  ObjectReader reader(value, path);
  reader.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("name", out.name, max_text)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  if (!reader.status()) return reader.status();
  const Value* entries = reader.find("extensions");
  if (entries == nullptr) return {};
  const Path at = path.member("extensions");
  if (!entries->IsArray()) return Error::invalid(at.to_string(), "must be an array");
  for (SizeType i = 0; i < entries->Size(); ++i) {
    const Value& entry = (*entries)[i];
    if (!entry.IsString()) return Error::invalid(at.element(i).to_string(), "must be a string");
    out.extensions.emplace_back(entry.GetString(), entry.GetStringLength());
  }
  return {};
}

Status read_missed_call(const Value& value, const Path& path, MissedCall& out) {
  ObjectReader reader(value, path);
  reader.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .uuid("extension_id", out.extension_id)
      .int32("ring_group_id", out.ring_group_id)
      .uuid("groupcall_id", out.groupcall_id)
      .uuid("master_call_id", out.master_call_id)
      .address("source", out.source)
      .timestamp("tm_create", out.tm_create);
  return reader.status();
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

std::string encode(const ExtensionGroup& group) {
  return encode_document(group, &write_extension_group);
}
std::string encode(const RingGroup& group) {
  return encode_document(group, &write_group);
}
std::string encode(const MissedCall& call) {
  return encode_document(call, &write_missed_call);
}

std::string encode(const InstantGroupCall& service) {
  return encode_document(service, &write_instant_group_call);
}

Result<ExtensionGroup> extension_group(std::string_view body) {
  return decode_document(body, &read_extension_group);
}
Result<RingGroup> ring_group(std::string_view body) {
  return decode_document(body, &read_group);
}
Result<MissedCall> missed_call(std::string_view body) {
  return decode_document(body, &read_missed_call);
}
Result<InstantGroupCall> instant_group_call(std::string_view body) {
  return decode_document(body, &read_instant_group_call);
}

}  // namespace chorus::stored_bodies
