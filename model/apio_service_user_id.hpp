#pragma once
// APIO's serviceUserId generation rule (SUID_INSTANT_GROUP_CALL_RULE, e.g.
// "{{group_id}}_igc{{RND_4}}@{{domain}}"): parsed once when the settings are read,
// rendered for each service created without a serviceUserId, and rendered again
// with a new phone number when SERVICE_USERS_UPDATE_ID_PHONE_NUMBER renames one.
// Pure: the random digits come from the caller.
//
// Placeholders: {{group_id}}, {{tenant_id}}, {{domain}}, {{RND_n}} (n random digits,
// n from 1 to 16), and from the service's phone number {{phone_number_e164}}
// ("+3271112233"), {{country_code}} ("32") and {{national_no_0}} ("71112233": the
// national number without a trunk 0). Any other {{...}} is refused when parsed.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace chorus {

// An E.164 number's country calling code and the national significant number after
// it, by the ITU-T table of assigned codes (1 to 3 digits); nullopt when the number
// is not E.164 or starts with no assigned code.
struct E164Parts {
  std::string country_code;
  std::string national_number;
};
std::optional<E164Parts> split_e164(std::string_view number);

// What a rule is rendered from.
struct ServiceUserIdContext {
  std::string tenant_id;
  std::string group_id;
  std::string domain;
  std::string phone_number;  // E.164 or empty
};

// One random decimal digit, '0'..'9', per call.
using RandomDigit = std::function<char()>;

class ServiceUserIdRule {
 public:
  enum class Part {
    literal,
    group_id,
    tenant_id,
    domain,
    random,
    phone_e164,
    country_code,
    national
  };
  struct Piece {
    Part part = Part::literal;
    std::string literal;     // Part::literal
    std::size_t digits = 0;  // Part::random
  };

  static constexpr std::string_view default_rule = "{{group_id}}_igc{{RND_4}}@{{domain}}";
  static constexpr std::size_t max_random_digits = 16;

  // The default rule.
  ServiceUserIdRule();
  // Errors name `field` and the placeholder that is wrong.
  static Result<ServiceUserIdRule> parse(std::string_view rule, std::string_view field);

  const std::string& text() const { return text_; }
  bool uses(Part part) const;
  bool uses_phone_number() const;

  // The rule for `context`. A phone placeholder without a usable phone number is an
  // error naming serviceInstanceProfile.phoneNumber.
  Result<std::string> render(const ServiceUserIdContext& context,
                             const RandomDigit& random_digit) const;

  // The id `current` renamed for a new phone number: when `current` is what this rule
  // gives for `before` (its random digits whatever they were), the rule rendered for
  // `after` with the same random digits, so only the number's part changes. nullopt
  // when `current` was not built by this rule from `before`'s number, or `after`'s
  // number cannot be rendered (then the id is left alone).
  std::optional<std::string> renamed(std::string_view current, const ServiceUserIdContext& before,
                                     const ServiceUserIdContext& after) const;

 private:
  struct Empty {};
  explicit ServiceUserIdRule(Empty) {}

  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace chorus
