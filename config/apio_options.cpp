#include "config/apio_options_json.hpp"

#include <string>
#include <string_view>

#include "model/instant_group_call_rules.hpp"

namespace chorus {

namespace {

constexpr std::string_view prefix = "config.apio_settings";

// The boolean settings, by where they sit: one table per object.
struct BooleanSetting {
  std::string_view name;
  bool ApioSettings::*member;
};
constexpr BooleanSetting top_flags[] = {
    {"SERVICE_USERS_RETURN_ACTIVE_STATUS", &ApioSettings::service_users_return_active_status},
    {"GROUP_NUMBERS_USE_CC_CLI", &ApioSettings::group_numbers_use_cc_cli},
};
constexpr BooleanSetting id_rule_flags[] = {
    {"SUID_INSTANT_GROUP_CALL_AUTO_GENERATE", &ApioSettings::suid_instant_group_call_auto_generate},
    {"SERVICE_USERS_UPDATE_ID_PHONE_NUMBER", &ApioSettings::service_users_update_id_phone_number},
};
constexpr std::string_view rule_name = "SUID_INSTANT_GROUP_CALL_RULE";

std::string name_of(const rapidjson::Value& name) {
  return std::string(name.GetString(), name.GetStringLength());
}

// A flag of `flags` named `name`: true when it was one (and `status` says whether it
// was a boolean).
template <std::size_t N>
bool apply_flag(const BooleanSetting (&flags)[N], const std::string& name, const std::string& field,
                const rapidjson::Value& v, ApioSettings& out, Status& status) {
  for (const BooleanSetting& f : flags) {
    if (f.name != name) continue;
    if (!v.IsBool()) {
      status = Error::invalid(field, "must be true or false");
    } else {
      out.*f.member = v.GetBool();
    }
    return true;
  }
  return false;
}

Status apply_id_rules(const rapidjson::Value& value, const std::string& path, ApioSettings& out) {
  if (!value.IsObject()) return Error::invalid(path, "must be an object");
  for (auto& m : value.GetObject()) {
    const std::string name = name_of(m.name);
    const std::string field = path + "." + name;
    Status status;
    if (apply_flag(id_rule_flags, name, field, m.value, out, status)) {
      if (!status) return status;
      continue;
    }
    if (name != rule_name) {
      return Error::invalid(field,
                            "is not a setting (known: SUID_INSTANT_GROUP_CALL_AUTO_GENERATE, "
                            "SUID_INSTANT_GROUP_CALL_RULE, SERVICE_USERS_UPDATE_ID_PHONE_NUMBER)");
    }
    if (!m.value.IsString()) return Error::invalid(field, "must be a string");
    auto rule = ServiceUserIdRule::parse(
        std::string_view(m.value.GetString(), m.value.GetStringLength()), field);
    if (!rule) return rule.error();
    out.suid_instant_group_call_rule = std::move(rule).value();
  }
  return {};
}

// A generated id must be usable: {{domain}} needs a domain that keeps it a path id.
Status check_generation(const ApioSettings& s) {
  const bool needs_domain = s.suid_instant_group_call_rule.uses(ServiceUserIdRule::Part::domain);
  if (!needs_domain) return {};
  const std::string field = std::string(prefix) + ".domain";
  if (s.domain.empty()) {
    if (!s.suid_instant_group_call_auto_generate) return {};
    return Error::invalid(field, "is required: SUID_INSTANT_GROUP_CALL_RULE uses {{domain}}");
  }
  return check_path_id(s.domain, field, instant_group_call_limits::service_user_id);
}

}  // namespace

Status apply_apio_settings(const rapidjson::Value& value, ApioSettings& out) {
  const std::string path(prefix);
  if (!value.IsObject()) return Error::invalid(path, "must be an object");
  for (auto& m : value.GetObject()) {
    const std::string name = name_of(m.name);
    const std::string field = path + "." + name;
    Status status;
    if (apply_flag(top_flags, name, field, m.value, out, status)) {
      if (!status) return status;
      continue;
    }
    if (name == "AUTOMATIC_ID_RULES") {
      if (auto s = apply_id_rules(m.value, field, out); !s) return s;
    } else if (name == "domain") {
      if (!m.value.IsString()) return Error::invalid(field, "must be a string");
      out.domain = name_of(m.value);
    } else {
      return Error::invalid(field,
                            "is not a setting (known: AUTOMATIC_ID_RULES, "
                            "SERVICE_USERS_RETURN_ACTIVE_STATUS, GROUP_NUMBERS_USE_CC_CLI, "
                            "domain)");
    }
  }
  return check_generation(out);
}

}  // namespace chorus
