#pragma once
// An instant group call: a BroadWorks service that rings a list of phone numbers
// at once on demand, managed through the Netaxis APIO API
// (../shared/reference/003). The fields are APIO's, in C++ spelling; the JSON
// codec writes APIO's camelCase names. customer_id, tenant_id and group_id place
// it (a tenant and a group belong to one Chorus customer); id is Chorus's own key,
// stable while serviceUserId may be renamed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct ApioDepartment {
  std::string tenant_id;
  std::string group_id;
  std::string department_name;
  std::string full_path_name;  // in answers only

  bool operator==(const ApioDepartment& other) const;
  bool operator!=(const ApioDepartment& other) const { return !(*this == other); }
};

struct InstantGroupCall {
  static constexpr std::int32_t min_answer_timeout_minutes = 1;
  static constexpr std::int32_t max_answer_timeout_minutes = 60;

  Uuid id;
  Uuid customer_id;
  std::string tenant_id;
  std::string group_id;
  std::string service_user_id;
  // serviceInstanceProfile
  std::string name;
  std::optional<ApioDepartment> department;
  std::string cli_first_name;
  std::string cli_last_name;
  std::string language;
  std::string time_zone;
  std::string phone_number;  // E.164, may be empty
  std::string extension;
  // The service itself
  std::int32_t answer_timeout_minutes = 5;
  bool answer_timeout_enabled = false;
  std::vector<std::string> destination_phone_numbers;  // E.164, rung at once
  std::string template_name;
  bool active = true;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const InstantGroupCall& other) const;
  bool operator!=(const InstantGroupCall& other) const { return !(*this == other); }
};

}  // namespace chorus
