#pragma once
// The APIO dialect's settings (chorusd's config file, "apio_settings"), by APIO's own
// names (../shared/reference/003):
//
//   "apio_settings": {
//     "AUTOMATIC_ID_RULES": {
//       "SUID_INSTANT_GROUP_CALL_AUTO_GENERATE": false,
//       "SUID_INSTANT_GROUP_CALL_RULE": "{{group_id}}_igc{{RND_4}}@{{domain}}",
//       "SERVICE_USERS_UPDATE_ID_PHONE_NUMBER": false
//     },
//     "SERVICE_USERS_RETURN_ACTIVE_STATUS": false,
//     "GROUP_NUMBERS_USE_CC_CLI": false,
//     "domain": "sip.example.com"
//   }
//
// GROUP_NUMBERS_USE_CC_CLI is accepted and has no effect: it works around BroadWorks
// sometimes returning national numbers where E.164 is documented; Chorus stores and
// returns the E.164 numbers it was given.

#include <string>

#include "model/apio_service_user_id.hpp"

namespace chorus {

struct ApioSettings {
  bool suid_instant_group_call_auto_generate = false;
  ServiceUserIdRule suid_instant_group_call_rule;  // the default rule
  bool service_users_update_id_phone_number = false;
  bool service_users_return_active_status = false;
  bool group_numbers_use_cc_cli = false;  // accepted, no effect
  std::string domain;                     // {{domain}}
};

}  // namespace chorus
