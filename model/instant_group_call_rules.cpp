#include "model/instant_group_call_rules.hpp"

#include <algorithm>
#include <string>

#include "model/field_limits.hpp"

namespace chorus {

namespace {

namespace limits = instant_group_call_limits;

// The free texts of a service and their APIO paths: one table, one check each.
struct TextField {
  const char* path;
  const std::string InstantGroupCall::*member;
};
constexpr TextField text_fields[] = {
    {"serviceInstanceProfile.name", &InstantGroupCall::name},
    {"serviceInstanceProfile.cliFirstName", &InstantGroupCall::cli_first_name},
    {"serviceInstanceProfile.cliLastName", &InstantGroupCall::cli_last_name},
    {"serviceInstanceProfile.language", &InstantGroupCall::language},
    {"serviceInstanceProfile.timeZone", &InstantGroupCall::time_zone},
    {"serviceInstanceProfile.extension", &InstantGroupCall::extension},
    {"templateName", &InstantGroupCall::template_name},
};

Status check_phone(std::string_view number, const std::string& field) {
  if (is_e164(number)) return {};
  return Error::invalid(field, "must be an E.164 number: + then 1 to 15 digits, the first not 0");
}

Status check_department(const ApioDepartment& d) {
  if (auto s = check_text(d.tenant_id, "serviceInstanceProfile.department.tenantId",
                          limits::placement_id);
      !s) {
    return s;
  }
  if (auto s =
          check_text(d.group_id, "serviceInstanceProfile.department.groupId", limits::placement_id);
      !s) {
    return s;
  }
  if (d.department_name.empty()) {
    return Error::invalid("serviceInstanceProfile.department.departmentName", "must not be empty");
  }
  if (auto s = check_text(d.department_name, "serviceInstanceProfile.department.departmentName",
                          limits::text);
      !s) {
    return s;
  }
  return check_text(d.full_path_name, "serviceInstanceProfile.department.fullPathName",
                    limits::full_path_name);
}

Status check_destinations(const std::vector<std::string>& numbers) {
  if (numbers.empty()) {
    return Error::invalid("destinationPhoneNumbers", "must hold at least one phone number");
  }
  if (numbers.size() > limits::destinations) {
    return Error::invalid("destinationPhoneNumbers",
                          "must hold at most " + std::to_string(limits::destinations) + " numbers");
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const std::string field = "destinationPhoneNumbers[" + std::to_string(i) + "]";
    if (auto s = check_phone(numbers[i], field); !s) return s;
    if (std::find(numbers.begin(), numbers.begin() + i, numbers[i]) != numbers.begin() + i) {
      return Error::invalid(field, "repeats an earlier number");
    }
  }
  return {};
}

}  // namespace

bool is_e164(std::string_view number) {
  if (number.size() < 2 || number.size() > 1 + limits::e164_digits) return false;
  if (number[0] != '+' || number[1] == '0') return false;
  return std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status check_path_id(std::string_view id, std::string_view field, std::size_t max_bytes) {
  if (id.empty()) return Error::invalid(std::string(field), "must not be empty");
  if (id.size() > max_bytes) {
    return Error::invalid(std::string(field),
                          "must be at most " + std::to_string(max_bytes) + " characters");
  }
  constexpr std::string_view refused = "/?#%\\";
  const bool plain = std::all_of(id.begin(), id.end(), [&](char c) {
    return c > 0x20 && c < 0x7f && refused.find(c) == std::string_view::npos;
  });
  if (!plain) {
    return Error::invalid(std::string(field),
                          "must be visible ASCII without '/', '?', '#', '%' or '\\'");
  }
  return {};
}

Status validate_instant_group_call(const InstantGroupCall& service) {
  if (auto s = check_path_id(service.service_user_id, "serviceUserId", limits::service_user_id);
      !s) {
    return s;
  }
  for (const TextField& f : text_fields) {
    if (auto s = check_text(service.*f.member, f.path, limits::text); !s) return s;
  }
  if (service.department) {
    if (auto s = check_department(*service.department); !s) return s;
  }
  if (!service.phone_number.empty()) {
    if (auto s = check_phone(service.phone_number, "serviceInstanceProfile.phoneNumber"); !s) {
      return s;
    }
  }
  if (service.answer_timeout_minutes < InstantGroupCall::min_answer_timeout_minutes ||
      service.answer_timeout_minutes > InstantGroupCall::max_answer_timeout_minutes) {
    return Error::invalid("answerTimeoutMinutes", "must be 1 to 60 minutes");
  }
  return check_destinations(service.destination_phone_numbers);
}

}  // namespace chorus
