// Netaxis APIO's instant group call codec (model/apio_json.hpp) and serviceUserId rule
// (model/apio_service_user_id.hpp). The input is a POST/PUT body, a bulk active body
// and a rule at once. Properties: a refused body's error is clean text naming a field;
// an accepted one passes or fails the rules cleanly and its answer is valid JSON that,
// sent back as a PUT over it, changes nothing but the fullPathName the answer fills
// in, with a stable encoding; an accepted active body re-encodes to the same changes;
// an accepted rule renders for any context or names the phone number, and an id it
// rendered is renamed to itself when the number stays.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/apio_json.hpp"
#include "model/apio_service_user_id.hpp"
#include "model/instant_group_call_rules.hpp"
#include "property.hpp"

namespace {

// A stored service with every field away from its default, as a PUT finds one.
chorus::InstantGroupCall stored_service() {
  chorus::InstantGroupCall s;
  s.service_user_id = "APIOTestIGC@sip.netaxis.be";
  s.tenant_id = "foo";
  s.group_id = "foogroup";
  s.name = "Test User";
  s.department = chorus::ApioDepartment{"ApioSpTest", "ApioGrpTest", "test_department_initial", ""};
  s.cli_first_name = "First Name";
  s.cli_last_name = "Last Name";
  s.language = "English";
  s.time_zone = "Europe/Brussels";
  s.phone_number = "+3271112233";
  s.extension = "2233";
  s.answer_timeout_minutes = 7;
  s.answer_timeout_enabled = true;
  s.destination_phone_numbers = {"+3271123456", "+3271123457"};
  s.template_name = "basic";
  s.active = false;
  return s;
}

// What an answer sent back as a PUT leaves: fullPathName filled in from departmentName.
chorus::InstantGroupCall answered(chorus::InstantGroupCall s) {
  if (s.department && s.department->full_path_name.empty()) {
    s.department->full_path_name = s.department->department_name;
  }
  return s;
}

void accepted(const chorus::InstantGroupCall& service) {
  auto valid = chorus::validate_instant_group_call(service);
  if (!valid) chorus::fuzz::expect_clean_error(valid.error(), "a refused service");
  const std::string encoded = chorus::to_apio_json(service, {true, true});
  chorus::fuzz::expect_json(encoded, "an instance answer");
  chorus::fuzz::expect_json(chorus::to_apio_list_json({service}), "a list answer");
  auto again = chorus::instant_group_call_from_apio_json(encoded, service);
  if (!again) chorus::fuzz::broken("an answer decodes as a PUT: " + again.error().message);
  chorus::fuzz::expect(*again == answered(service), "an answer sent back changes nothing", encoded);
  chorus::fuzz::expect(chorus::to_apio_json(*again, {true, true}) == encoded,
                       "the encoding is stable", encoded);
}

void active_body(std::string_view body) {
  auto changes = chorus::active_changes_from_apio_json(body);
  if (!changes) {
    chorus::fuzz::expect_clean_error(changes.error(), "a refused active body");
    chorus::fuzz::expect(!changes.error().field.empty(), "an error names a field",
                         changes.error().message);
    return;
  }
  const std::string encoded = chorus::to_apio_json(*changes);
  chorus::fuzz::expect_json(encoded, "an active body");
  auto again = chorus::active_changes_from_apio_json(encoded);
  chorus::fuzz::expect(again && *again == *changes, "an active body round-trips", encoded);
}

void rule(std::string_view text) {
  auto parsed = chorus::ServiceUserIdRule::parse(text, "rule");
  if (!parsed) {
    chorus::fuzz::expect_clean_error(parsed.error(), "a refused rule");
    return;
  }
  const chorus::ServiceUserIdContext context{"foo", "foogroup", "sip.example.com", "+3271112233"};
  int n = 0;
  auto id = parsed->render(context, [&n]() { return static_cast<char>('0' + (++n % 10)); });
  if (!id) {
    chorus::fuzz::broken("a rule renders for a context with every value", id.error().message);
  }
  auto same = parsed->renamed(*id, context, context);
  chorus::fuzz::expect(same && *same == *id, "an id is renamed to itself for the same number", *id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const chorus::InstantGroupCall base = stored_service();
  for (const chorus::InstantGroupCall& onto : {chorus::InstantGroupCall{}, base}) {
    auto decoded = chorus::instant_group_call_from_apio_json(body, onto);
    if (!decoded) {
      chorus::fuzz::expect_clean_error(decoded.error(), "a refused body");
      chorus::fuzz::expect(!decoded.error().field.empty(), "an error names a field",
                           decoded.error().message);
      continue;
    }
    accepted(*decoded);
    if (body.find(':') == std::string_view::npos) {
      chorus::fuzz::expect(*decoded == onto, "a body naming no field changes nothing", body);
    }
  }
  active_body(body);
  if (size <= 256) rule(body);
  return 0;
}
