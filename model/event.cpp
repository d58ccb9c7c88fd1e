#include "model/event.hpp"

#include <array>
#include <cassert>

#include "model/conference_json.hpp"
#include "model/enum_names.hpp"
#include "model/json.hpp"

namespace chorus {
namespace {

constexpr std::array<std::string_view, 20> event_type_names{"call_created",
                                                            "call_dialing",
                                                            "call_ringing",
                                                            "call_progressing",
                                                            "call_terminating",
                                                            "call_canceling",
                                                            "call_hangup",
                                                            "groupcall_created",
                                                            "groupcall_progressing",
                                                            "groupcall_hangup",
                                                            "groupcall_deleted",
                                                            "call_updated",
                                                            "call_deleted",
                                                            "conference_created",
                                                            "conference_updated",
                                                            "conference_deleted",
                                                            "conferencecall_joining",
                                                            "conferencecall_joined",
                                                            "conferencecall_leaving",
                                                            "conferencecall_leaved"};

constexpr std::array<std::string_view, 4> resource_kind_names{"call", "groupcall", "conference",
                                                              "conferencecall"};

// Indexed by ConferencecallStatus.
constexpr EventType conferencecall_events[] = {
    EventType::conferencecall_joining, EventType::conferencecall_joined,
    EventType::conferencecall_leaving, EventType::conferencecall_leaved};

}  // namespace

std::string_view to_string(EventType type) {
  return detail::enum_name(event_type_names, type);
}

std::optional<EventType> parse_event_type(std::string_view text) {
  return detail::enum_parse<EventType>(event_type_names, text);
}

std::string_view to_string(ResourceKind kind) {
  return detail::enum_name(resource_kind_names, kind);
}

std::optional<CallStatus> call_status_of(EventType type) {
  if (type == EventType::call_created) return CallStatus::dialing;
  for (CallStatus status : {CallStatus::dialing, CallStatus::ringing, CallStatus::progressing,
                            CallStatus::terminating, CallStatus::canceling, CallStatus::hangup}) {
    if (event_for(status) == type) return status;
  }
  return std::nullopt;
}

EventType event_for(CallStatus status) {
  switch (status) {
    case CallStatus::dialing:
      return EventType::call_dialing;
    case CallStatus::ringing:
      return EventType::call_ringing;
    case CallStatus::progressing:
      return EventType::call_progressing;
    case CallStatus::terminating:
      return EventType::call_terminating;
    case CallStatus::canceling:
      return EventType::call_canceling;
    case CallStatus::hangup:
      return EventType::call_hangup;
  }
  return EventType::call_hangup;
}

EventType event_for(ConferencecallStatus status) {
  return conferencecall_events[static_cast<std::size_t>(status)];
}

// A null snapshot would make every accessor undefined; callers must pass one.
Event::Event(EventType type, std::shared_ptr<const Call> call)
    : type_(type), kind_(ResourceKind::call), call_(std::move(call)) {
  assert(call_);
}

Event::Event(EventType type, std::shared_ptr<const Groupcall> groupcall)
    : type_(type), kind_(ResourceKind::groupcall), groupcall_(std::move(groupcall)) {
  assert(groupcall_);
}

Event::Event(EventType type, std::shared_ptr<const Conference> conference)
    : type_(type), kind_(ResourceKind::conference), conference_(std::move(conference)) {
  assert(conference_);
}

Event::Event(EventType type, std::shared_ptr<const Conferencecall> conferencecall)
    : type_(type), kind_(ResourceKind::conferencecall), conferencecall_(std::move(conferencecall)) {
  assert(conferencecall_);
}

namespace {

// Calls `visit` with the snapshot the event carries.
template <class Visit>
decltype(auto) with_snapshot(const Event& e, Visit&& visit) {
  switch (e.kind()) {
    case ResourceKind::call:
      return visit(*e.call());
    case ResourceKind::groupcall:
      return visit(*e.groupcall());
    case ResourceKind::conference:
      return visit(*e.conference());
    case ResourceKind::conferencecall:
      break;
  }
  return visit(*e.conferencecall());
}

}  // namespace

const Uuid& Event::customer_id() const noexcept {
  return with_snapshot(*this, [](const auto& r) -> const Uuid& { return r.customer_id; });
}

const Uuid& Event::resource_id() const noexcept {
  return with_snapshot(*this, [](const auto& r) -> const Uuid& { return r.id; });
}

std::string Event::topic() const {
  const std::string_view resource = to_string(kind());
  std::string topic;
  topic.reserve(12 + Uuid::text_size + 1 + resource.size() + 1 + Uuid::text_size);
  topic += "customer_id:";
  topic += customer_id().to_string();
  topic += ':';
  topic += resource;
  topic += ':';
  topic += resource_id().to_string();
  return topic;
}

const std::string& Event::data_json() const {
  // Many subscribers may ask at once from different threads; serialise exactly once.
  std::call_once(json_once_, [this] {
    json_ = with_snapshot(*this, [](const auto& r) { return chorus::to_json(r); });
  });
  return json_;
}

std::string Event::to_json() const {
  const std::string& data = data_json();
  const std::string_view type = to_string(type_);
  // The type names are plain identifiers, so they need no escaping.
  std::string out;
  out.reserve(9 + type.size() + 9 + data.size() + 1);
  out += "{\"type\":\"";
  out += type;
  out += "\",\"data\":";
  out += data;
  out += '}';
  return out;
}

}  // namespace chorus
