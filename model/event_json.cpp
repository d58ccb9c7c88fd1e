#include "model/event_json.hpp"

#include <memory>
#include <utility>

#include "model/conference_json.hpp"
#include "model/json.hpp"

namespace chorus {

namespace {

// The resource an event type is about, by its name's prefix (longest first:
// "conferencecall_" before "conference_", "groupcall_" before "call_").
struct KindPrefix {
  std::string_view prefix;
  ResourceKind kind;
};
constexpr KindPrefix kind_prefixes[] = {
    {"conferencecall_", ResourceKind::conferencecall},
    {"conference_", ResourceKind::conference},
    {"groupcall_", ResourceKind::groupcall},
    {"call_", ResourceKind::call},
};

template <class Resource>
Result<EventPtr> event_of(EventType type, Result<Resource> snapshot) {
  if (!snapshot) return snapshot.error();
  return EventPtr(std::make_shared<const Event>(
      type, std::make_shared<const Resource>(std::move(snapshot).value())));
}

Error malformed() {
  return Error::invalid("event", R"(must be {"type":"<event type>","data":{...}})");
}

}  // namespace

Result<EventPtr> event_from_json(std::string_view json) {
  constexpr std::string_view head = R"({"type":")";
  constexpr std::string_view middle = R"(","data":)";
  if (json.size() < head.size() + middle.size() + 2 || json.substr(0, head.size()) != head ||
      json.back() != '}') {
    return malformed();
  }
  const auto type_end = json.find(middle, head.size());
  if (type_end == std::string_view::npos) return malformed();
  const std::string_view name = json.substr(head.size(), type_end - head.size());
  const std::optional<EventType> type = parse_event_type(name);
  if (!type) return Error::invalid("type", "must be a known event type");
  const std::size_t data_begin = type_end + middle.size();
  const std::string_view data = json.substr(data_begin, json.size() - 1 - data_begin);
  for (const KindPrefix& k : kind_prefixes) {
    if (name.substr(0, k.prefix.size()) != k.prefix) continue;
    switch (k.kind) {
      case ResourceKind::call:
        return event_of(*type, call_from_json(data));
      case ResourceKind::groupcall:
        return event_of(*type, groupcall_from_json(data));
      case ResourceKind::conference:
        return event_of(*type, conference_from_json(data));
      case ResourceKind::conferencecall:
        return event_of(*type, conferencecall_from_json(data));
    }
  }
  return Error::invalid("type", "must be a known event type");
}

}  // namespace chorus
