#pragma once
// chorusd's --sip-* flags (and their config-file names, sip_listen and so on),
// checked and applied to SipOptions.

#include <string_view>

#include "config/sip_options.hpp"
#include "model/result.hpp"

namespace chorus {

// Whether `flag` is one of the --sip-* flags.
bool is_sip_flag(std::string_view flag);
// Applies one; errors name the flag and the rule.
Status apply_sip_flag(std::string_view flag, std::string_view value, SipOptions& sip);

}  // namespace chorus
