#include "model/apio_service_user_id.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "model/instant_group_call_rules.hpp"

namespace chorus {

namespace {

using Part = ServiceUserIdRule::Part;

// ITU-T E.164 assigned country calling codes (the list of ITU-T Operational Bulletin
// annexes), as text. E.164 codes are prefix-free: a number starts with at most one.
constexpr std::array<std::string_view, 2> one_digit{"1", "7"};
constexpr std::array<std::string_view, 43> two_digits{
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
    "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
    "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95"};
// Three-digit codes by their first two digits and the third digits assigned.
struct ThreeDigitBlock {
  std::string_view first_two;
  std::string_view third;
};
constexpr ThreeDigitBlock three_digits[] = {
    {"21", "12368"},      {"22", "0123456789"}, {"23", "0123456789"}, {"24", "0123456789"},
    {"25", "012345678"},  {"26", "0123456789"}, {"29", "01789"},      {"35", "0123456789"},
    {"37", "0123456789"}, {"38", "01235679"},   {"42", "013"},        {"50", "0123456789"},
    {"59", "0123456789"}, {"67", "02346789"},   {"68", "012356789"},  {"69", "012"},
    {"80", "08"},         {"85", "02356"},      {"87", "08"},         {"88", "012368"},
    {"96", "012345678"},  {"97", "012345679"},  {"99", "1234568"},
};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::optional<std::size_t> country_code_length(std::string_view digits) {
  if (digits.size() >= 1 && listed(one_digit, digits.substr(0, 1))) return 1;
  if (digits.size() >= 2 && listed(two_digits, digits.substr(0, 2))) return 2;
  if (digits.size() < 3) return std::nullopt;
  for (const ThreeDigitBlock& block : three_digits) {
    if (block.first_two == digits.substr(0, 2) &&
        block.third.find(digits[2]) != std::string_view::npos) {
      return 3;
    }
  }
  return std::nullopt;
}

// Placeholders by their name inside {{...}}; RND_n is read apart.
struct Placeholder {
  std::string_view name;
  Part part;
};
constexpr Placeholder placeholders[] = {
    {"group_id", Part::group_id},
    {"tenant_id", Part::tenant_id},
    {"domain", Part::domain},
    {"phone_number_e164", Part::phone_e164},
    {"country_code", Part::country_code},
    {"national_no_0", Part::national},
};

std::optional<ServiceUserIdRule::Piece> placeholder_piece(std::string_view name) {
  for (const Placeholder& p : placeholders) {
    if (p.name == name) return ServiceUserIdRule::Piece{p.part, {}, 0};
  }
  constexpr std::string_view random = "RND_";
  if (name.size() <= random.size() || name.substr(0, random.size()) != random) return {};
  const auto count = name.substr(random.size());
  if (count.size() > 2 ||
      !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  const std::size_t digits = std::stoul(std::string(count));
  if (digits == 0 || digits > ServiceUserIdRule::max_random_digits) return {};
  return ServiceUserIdRule::Piece{Part::random, {}, digits};
}

// A placeholder's name as an error may repeat it: only a short plain name, since the
// rule is text from the config file that may not even be UTF-8.
std::string quotable(std::string_view name) {
  const bool plain = name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_';
                     });
  return plain ? "{{" + std::string(name) + "}}" : std::string("{{...}}");
}

const Error& missing_phone() {
  static const Error error = Error::invalid("serviceInstanceProfile.phoneNumber",
                                            "is required: the serviceUserId rule uses it");
  return error;
}

// The text a non-random piece stands for in `c`, or an error.
Result<std::string> value_of(const ServiceUserIdRule::Piece& piece, const ServiceUserIdContext& c) {
  switch (piece.part) {
    case Part::literal:
      return piece.literal;
    case Part::group_id:
      return c.group_id;
    case Part::tenant_id:
      return c.tenant_id;
    case Part::domain:
      return c.domain;
    case Part::random:
      return std::string();
    case Part::phone_e164:
    case Part::country_code:
    case Part::national:
      break;
  }
  if (c.phone_number.empty()) return missing_phone();
  auto parts = split_e164(c.phone_number);
  if (!parts) {
    return Error::invalid("serviceInstanceProfile.phoneNumber",
                          "must be an E.164 number with an assigned country code: the "
                          "serviceUserId rule uses it");
  }
  if (piece.part == Part::phone_e164) return c.phone_number;
  return piece.part == Part::country_code ? parts->country_code : parts->national_number;
}

}  // namespace

std::optional<E164Parts> split_e164(std::string_view number) {
  if (!is_e164(number)) return std::nullopt;
  const auto digits = number.substr(1);
  auto length = country_code_length(digits);
  if (!length || *length >= digits.size()) return std::nullopt;
  return E164Parts{std::string(digits.substr(0, *length)), std::string(digits.substr(*length))};
}

ServiceUserIdRule::ServiceUserIdRule() : ServiceUserIdRule(parse(default_rule, "").value()) {}

Result<ServiceUserIdRule> ServiceUserIdRule::parse(std::string_view rule, std::string_view field) {
  ServiceUserIdRule parsed{Empty{}};
  parsed.text_ = std::string(rule);
  if (rule.empty()) return Error::invalid(std::string(field), "must not be empty");
  std::string literal;
  while (!rule.empty()) {
    const auto open = rule.find("{{");
    literal += std::string(rule.substr(0, open));
    if (open == std::string_view::npos) break;
    const auto close = rule.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Error::invalid(std::string(field), "has a {{ without its }}");
    }
    const auto name = rule.substr(open + 2, close - open - 2);
    auto piece = placeholder_piece(name);
    if (!piece) {
      return Error::invalid(std::string(field),
                            "has an unknown placeholder " + quotable(name) +
                                "; known: {{group_id}}, {{tenant_id}}, {{domain}}, {{RND_n}} "
                                "(n 1 to 16), {{phone_number_e164}}, {{country_code}}, "
                                "{{national_no_0}}");
    }
    if (!literal.empty()) parsed.pieces_.push_back(Piece{Part::literal, std::move(literal), 0});
    literal.clear();
    parsed.pieces_.push_back(std::move(*piece));
    rule.remove_prefix(close + 2);
  }
  if (!literal.empty()) parsed.pieces_.push_back(Piece{Part::literal, std::move(literal), 0});
  return parsed;
}

bool ServiceUserIdRule::uses(Part part) const {
  return std::any_of(pieces_.begin(), pieces_.end(),
                     [&](const Piece& p) { return p.part == part; });
}

bool ServiceUserIdRule::uses_phone_number() const {
  return uses(Part::phone_e164) || uses(Part::country_code) || uses(Part::national);
}

Result<std::string> ServiceUserIdRule::render(const ServiceUserIdContext& context,
                                              const RandomDigit& random_digit) const {
  std::string id;
  for (const Piece& piece : pieces_) {
    if (piece.part == Part::random) {
      for (std::size_t i = 0; i < piece.digits; ++i) id.push_back(random_digit());
      continue;
    }
    auto value = value_of(piece, context);
    if (!value) return value.error();
    id += *value;
  }
  return id;
}

std::optional<std::string> ServiceUserIdRule::renamed(std::string_view current,
                                                      const ServiceUserIdContext& before,
                                                      const ServiceUserIdContext& after) const {
  std::string kept_digits;
  for (const Piece& piece : pieces_) {
    if (piece.part == Part::random) {
      if (current.size() < piece.digits) return std::nullopt;
      const auto digits = current.substr(0, piece.digits);
      if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      kept_digits += std::string(digits);
      current.remove_prefix(piece.digits);
      continue;
    }
    auto value = value_of(piece, before);
    if (!value || current.substr(0, value->size()) != *value) return std::nullopt;
    current.remove_prefix(value->size());
  }
  if (!current.empty()) return std::nullopt;
  std::size_t next = 0;
  auto again = render(after, [&]() { return kept_digits[next++]; });
  if (!again) return std::nullopt;
  return std::move(again).value();
}

}  // namespace chorus
