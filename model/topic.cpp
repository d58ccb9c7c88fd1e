#include "model/topic.hpp"

#include <array>
#include <vector>

namespace chorus {
namespace {

constexpr std::string_view format_rule =
    "must be customer_id:<customer>[:<resource>[:<resource_id>]]";
constexpr std::string_view prefix = "customer_id";

// Splits on ':'; a UUID never contains one, so the parts are unambiguous.
std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string_view::npos) return parts;
    start = colon + 1;
  }
}

// A part of the topic, quoted for an error message when it is short printable ASCII;
// otherwise left out, so that an error never carries raw bytes (NUL, invalid UTF-8)
// or a client's megabytes back to it.
std::string quoted(std::string_view part) {
  constexpr std::size_t max_quoted = 40;
  if (part.size() > max_quoted) return "";
  for (const char c : part) {
    if (c < 0x20 || c > 0x7E) return "";
  }
  return " \"" + std::string(part) + "\"";
}

}  // namespace

bool Topic::is_known_resource(std::string_view resource) {
  constexpr std::array<std::string_view, 4> known{"call", "groupcall", "conference",
                                                  "conferencecall"};
  for (std::string_view name : known) {
    if (name == resource) return true;
  }
  return false;
}

Result<Topic> Topic::parse(std::string_view text, std::string_view field) {
  const std::string name(field);
  const std::vector<std::string_view> parts = split(text);
  if (parts.size() < 2 || parts.size() > 4 || parts[0] != prefix) {
    return Error::invalid(name, std::string(format_rule));
  }
  Topic topic;
  const std::optional<Uuid> customer = Uuid::parse(parts[1]);
  if (!customer) return Error::invalid(name, "customer" + quoted(parts[1]) + " must be a UUID");
  topic.customer_id_ = *customer;
  if (parts.size() == 2) return topic;
  if (parts[2].empty()) return Error::invalid(name, std::string(format_rule));
  if (!is_known_resource(parts[2])) {
    return Error::invalid(name, "unknown resource" + quoted(parts[2]));
  }
  topic.resource_ = std::string(parts[2]);
  if (parts.size() == 3) return topic;
  const std::optional<Uuid> id = Uuid::parse(parts[3]);
  if (!id) {
    return Error::invalid(name, "resource id" + quoted(parts[3]) + " must be a UUID");
  }
  topic.resource_id_ = *id;
  return topic;
}

bool Topic::matches(const Event& event) const {
  return matches(event.customer_id(), chorus::to_string(event.kind()), event.resource_id());
}

bool Topic::matches(const Uuid& customer_id, std::string_view resource,
                    const Uuid& resource_id) const {
  // A topic is a prefix: each part it leaves out matches anything.
  if (customer_id != customer_id_) return false;
  if (!resource_.empty() && resource_ != resource) return false;
  return !resource_id_ || *resource_id_ == resource_id;
}

std::string Topic::to_string() const {
  std::string text(prefix);
  text += ':';
  text += customer_id_.to_string();
  if (resource_.empty()) return text;
  text += ':';
  text += resource_;
  if (!resource_id_) return text;
  text += ':';
  text += resource_id_->to_string();
  return text;
}

}  // namespace chorus
