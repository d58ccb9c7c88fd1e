#include "model/instant_group_call.hpp"

namespace chorus {

bool ApioDepartment::operator==(const ApioDepartment& o) const {
  return tenant_id == o.tenant_id && group_id == o.group_id &&
         department_name == o.department_name && full_path_name == o.full_path_name;
}

bool InstantGroupCall::operator==(const InstantGroupCall& o) const {
  return id == o.id && customer_id == o.customer_id && tenant_id == o.tenant_id &&
         group_id == o.group_id && service_user_id == o.service_user_id && name == o.name &&
         department == o.department && cli_first_name == o.cli_first_name &&
         cli_last_name == o.cli_last_name && language == o.language && time_zone == o.time_zone &&
         phone_number == o.phone_number && extension == o.extension &&
         answer_timeout_minutes == o.answer_timeout_minutes &&
         answer_timeout_enabled == o.answer_timeout_enabled &&
         destination_phone_numbers == o.destination_phone_numbers &&
         template_name == o.template_name && active == o.active && tm_create == o.tm_create &&
         tm_update == o.tm_update && tm_delete == o.tm_delete;
}

}  // namespace chorus
