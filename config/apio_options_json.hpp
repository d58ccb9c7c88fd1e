#pragma once
// Private to config/: reads "apio_settings" of chorusd's config file (apio_options.hpp).

#include <rapidjson/document.h>

#include "config/apio_options.hpp"
#include "model/result.hpp"

namespace chorus {

// Strict: unknown names, non-boolean flags, a rule with an unknown placeholder, and a
// generating rule that needs a domain without one are errors naming the setting
// ("config.apio_settings.AUTOMATIC_ID_RULES.SUID_INSTANT_GROUP_CALL_RULE").
Status apply_apio_settings(const rapidjson::Value& value, ApioSettings& out);

}  // namespace chorus
