#pragma once
// The checks behind chorusd's --sip-* flags (and their config-file names,
// sip_listen and so on), each applied to SipOptions; chorusd_options.cpp's flag
// table names them. Errors name the flag and the rule.

#include <string_view>

#include "config/sip_options.hpp"
#include "model/result.hpp"

namespace chorus {

Status set_sip_listen(std::string_view flag, std::string_view value, SipOptions& sip);
Status set_sip_outbound_proxy(std::string_view flag, std::string_view value, SipOptions& sip);
Status set_sip_user_agent(std::string_view flag, std::string_view value, SipOptions& sip);
// RFC 3261's timers, in milliseconds: T1 1..10000, Timer B 1..600000, Timer C
// 1000..3600000 (sane bounds, not the standard's).
Status set_sip_t1(std::string_view flag, std::string_view value, SipOptions& sip);
Status set_sip_timer_b(std::string_view flag, std::string_view value, SipOptions& sip);
Status set_sip_timer_c(std::string_view flag, std::string_view value, SipOptions& sip);

}  // namespace chorus
