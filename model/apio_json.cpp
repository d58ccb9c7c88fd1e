#include "model/apio_json.hpp"

#include <array>
#include <bitset>
#include <optional>

#include "model/field_limits.hpp"
#include "model/json_detail.hpp"
#include "model/strict_fields.hpp"

namespace chorus {

namespace {

namespace jd = json_detail;
namespace limits = apio_json_limits;
using rapidjson::SizeType;
using rapidjson::Value;

// What each object of a body may hold, by APIO's names.
constexpr std::array<std::string_view, 7> service_fields{"serviceUserId",
                                                         "serviceInstanceProfile",
                                                         "answerTimeoutMinutes",
                                                         "answerTimeoutEnabled",
                                                         "destinationPhoneNumbers",
                                                         "templateName",
                                                         "active"};
constexpr std::array<std::string_view, 8> profile_fields{
    "name",     "department", "cliFirstName", "cliLastName",
    "language", "timeZone",   "phoneNumber",  "extension"};
constexpr std::array<std::string_view, 4> department_fields{"tenantId", "groupId", "departmentName",
                                                            "fullPathName"};
constexpr std::array<std::string_view, 1> bulk_fields{"services"};
constexpr std::array<std::string_view, 2> change_fields{"serviceUserId", "active"};

// null is no department; an object is read over the current one.
Status read_department(const Value* value, const jd::Path& path,
                       std::optional<ApioDepartment>& out) {
  if (value == nullptr) return {};
  if (value->IsNull()) {
    out.reset();
    return {};
  }
  const jd::Path field = path.member("department");
  if (auto s = check_fields(*value, field, department_fields, "a department"); !s) return s;
  ApioDepartment department = out.value_or(ApioDepartment{});
  jd::ObjectReader r(*value, field);
  r.string("tenantId", department.tenant_id, limits::text_bytes)
      .string("groupId", department.group_id, limits::text_bytes)
      .string("departmentName", department.department_name, limits::text_bytes)
      .string("fullPathName", department.full_path_name, limits::text_bytes);
  if (auto s = r.status(); !s) return s;
  out = std::move(department);
  return {};
}

Status read_profile(const Value& value, const jd::Path& path, InstantGroupCall& out) {
  if (auto s = check_fields(value, path, profile_fields, "serviceInstanceProfile"); !s) return s;
  jd::ObjectReader r(value, path);
  r.string("name", out.name, limits::text_bytes)
      .string("cliFirstName", out.cli_first_name, limits::text_bytes)
      .string("cliLastName", out.cli_last_name, limits::text_bytes)
      .string("language", out.language, limits::text_bytes)
      .string("timeZone", out.time_zone, limits::text_bytes)
      .string("phoneNumber", out.phone_number, limits::text_bytes)
      .string("extension", out.extension, limits::text_bytes);
  if (auto s = r.status(); !s) return s;
  return read_department(r.find("department"), path, out.department);
}

Status read_service(const Value& value, const jd::Path& path, InstantGroupCall& out) {
  if (auto s = check_fields(value, path, service_fields, "an instant group call"); !s) return s;
  jd::ObjectReader r(value, path);
  r.string("serviceUserId", out.service_user_id, limits::text_bytes)
      .int32("answerTimeoutMinutes", out.answer_timeout_minutes)
      .boolean("answerTimeoutEnabled", out.answer_timeout_enabled)
      .strings("destinationPhoneNumbers", out.destination_phone_numbers, limits::text_bytes,
               limits::destinations)
      .string("templateName", out.template_name, limits::text_bytes)
      .boolean("active", out.active);
  if (auto s = r.status(); !s) return s;
  if (const Value* profile = r.find("serviceInstanceProfile")) {
    return read_profile(*profile, path.member("serviceInstanceProfile"), out);
  }
  return {};
}

Status read_change(const Value& value, const jd::Path& path, ApioActiveChange& out) {
  if (auto s = check_fields(value, path, change_fields, "a service's active status"); !s) {
    return s;
  }
  bool has_id = value.HasMember("serviceUserId");
  bool has_active = value.HasMember("active");
  jd::ObjectReader r(value, path);
  r.string("serviceUserId", out.first, limits::text_bytes).boolean("active", out.second);
  if (auto s = r.status(); !s) return s;
  if (!has_id || out.first.empty()) {
    return Error::invalid(path.member("serviceUserId").to_string(), "is required");
  }
  if (!has_active) return Error::invalid(path.member("active").to_string(), "is required");
  return {};
}

void write_department(jd::JsonWriter& w, const ApioDepartment& d) {
  w.StartObject();
  jd::write_key(w, "tenantId");
  jd::write_string(w, d.tenant_id);
  jd::write_key(w, "groupId");
  jd::write_string(w, d.group_id);
  jd::write_key(w, "departmentName");
  jd::write_string(w, d.department_name);
  jd::write_key(w, "fullPathName");
  jd::write_string(w, d.full_path_name.empty() ? d.department_name : d.full_path_name);
  w.EndObject();
}

void write_profile(jd::JsonWriter& w, const InstantGroupCall& s) {
  w.StartObject();
  jd::write_key(w, "name");
  jd::write_string(w, s.name);
  if (s.department) {
    jd::write_key(w, "department");
    write_department(w, *s.department);
  }
  jd::write_key(w, "cliFirstName");
  jd::write_string(w, s.cli_first_name);
  jd::write_key(w, "cliLastName");
  jd::write_string(w, s.cli_last_name);
  jd::write_key(w, "language");
  jd::write_string(w, s.language);
  jd::write_key(w, "timeZone");
  jd::write_string(w, s.time_zone);
  jd::write_key(w, "phoneNumber");
  jd::write_string(w, s.phone_number);
  w.EndObject();
}

void write_list_item(jd::JsonWriter& w, const InstantGroupCall& s) {
  w.StartObject();
  jd::write_key(w, "serviceUserId");
  jd::write_string(w, s.service_user_id);
  jd::write_key(w, "name");
  jd::write_string(w, s.name);
  jd::write_key(w, "phoneNumber");
  jd::write_string(w, s.phone_number);
  jd::write_key(w, "extension");
  jd::write_string(w, s.extension);
  if (s.department) {
    jd::write_key(w, "department");
    write_department(w, *s.department);
  }
  w.EndObject();
}

template <class Write>
std::string document(Write write) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  write(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<rapidjson::Document> parse_object(std::string_view json) {
  Result<rapidjson::Document> parsed = jd::parse_document(json);
  if (!parsed) return parsed.error();
  if (!parsed->IsObject()) return Error::invalid("body", "must be a JSON object");
  return parsed;
}

}  // namespace

std::string to_apio_json(const InstantGroupCall& s, ApioAnswerFields fields) {
  return document([&](jd::JsonWriter& w) {
    w.StartObject();
    if (fields.service_user_id) {
      jd::write_key(w, "serviceUserId");
      jd::write_string(w, s.service_user_id);
    }
    jd::write_key(w, "serviceInstanceProfile");
    write_profile(w, s);
    jd::write_key(w, "answerTimeoutMinutes");
    w.Int(s.answer_timeout_minutes);
    jd::write_key(w, "answerTimeoutEnabled");
    w.Bool(s.answer_timeout_enabled);
    jd::write_key(w, "destinationPhoneNumbers");
    w.StartArray();
    for (const std::string& number : s.destination_phone_numbers) jd::write_string(w, number);
    w.EndArray();
    if (fields.active) {
      jd::write_key(w, "active");
      w.Bool(s.active);
    }
    w.EndObject();
  });
}

std::string to_apio_list_json(const std::vector<InstantGroupCall>& services) {
  return document([&](jd::JsonWriter& w) {
    w.StartObject();
    jd::write_key(w, "instantGroupCalls");
    w.StartArray();
    for (const InstantGroupCall& s : services) write_list_item(w, s);
    w.EndArray();
    w.EndObject();
  });
}

Result<InstantGroupCall> instant_group_call_from_apio_json(std::string_view json,
                                                           InstantGroupCall base) {
  auto parsed = parse_object(json);
  if (!parsed) return parsed.error();
  const jd::Path root;
  if (Status s = read_service(*parsed, root, base); !s) return s.error();
  return base;
}

Result<std::vector<ApioActiveChange>> active_changes_from_apio_json(std::string_view json) {
  auto parsed = parse_object(json);
  if (!parsed) return parsed.error();
  const jd::Path root;
  if (auto s = check_fields(*parsed, root, bulk_fields, "an active status update"); !s) {
    return s.error();
  }
  const auto services = parsed->FindMember("services");
  if (services == parsed->MemberEnd()) return Error::invalid("services", "is required");
  const Value& list = services->value;
  if (!list.IsArray()) return Error::invalid("services", "must be an array");
  if (auto s = check_count(list.Size(), "services", limits::services); !s) return s.error();
  const jd::Path path = root.member("services");
  std::vector<ApioActiveChange> changes(list.Size());
  for (SizeType i = 0; i < list.Size(); ++i) {
    if (auto s = read_change(list[i], path.element(i), changes[i]); !s) return s.error();
  }
  return changes;
}

std::string to_apio_json(const std::vector<ApioActiveChange>& changes) {
  return document([&](jd::JsonWriter& w) {
    w.StartObject();
    jd::write_key(w, "services");
    w.StartArray();
    for (const auto& [id, active] : changes) {
      w.StartObject();
      jd::write_key(w, "serviceUserId");
      jd::write_string(w, id);
      jd::write_key(w, "active");
      w.Bool(active);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace chorus
