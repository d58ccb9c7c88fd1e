#include "model/event.hpp"

#include <array>
#include <cassert>

#include "model/enum_names.hpp"
#include "model/json.hpp"

namespace chorus {
namespace {

constexpr std::array<std::string_view, 11> event_type_names{
    "call_created",          "call_dialing",     "call_ringing",     "call_progressing",
    "call_terminating",      "call_canceling",   "call_hangup",      "groupcall_created",
    "groupcall_progressing", "groupcall_hangup", "groupcall_deleted"};

constexpr std::array<std::string_view, 2> resource_kind_names{"call", "groupcall"};

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

// A null snapshot would make every accessor undefined; callers must pass one.
Event::Event(EventType type, std::shared_ptr<const Call> call)
    : type_(type), call_(std::move(call)) {
  assert(call_);
}

Event::Event(EventType type, std::shared_ptr<const Groupcall> groupcall)
    : type_(type), groupcall_(std::move(groupcall)) {
  assert(groupcall_);
}

const Uuid& Event::customer_id() const noexcept {
  return call_ ? call_->customer_id : groupcall_->customer_id;
}

const Uuid& Event::resource_id() const noexcept {
  return call_ ? call_->id : groupcall_->id;
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
    json_ = call_ ? chorus::to_json(*call_) : chorus::to_json(*groupcall_);
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
