#pragma once
// An event: one state change of one resource, with the resource's full snapshot.
// Events are immutable and shared: one is built per state change, whoever listens,
// and its JSON is produced once, on first demand, however many subscribers read it.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/groupcall.hpp"

namespace chorus {

enum class EventType {
  call_created,
  call_dialing,
  call_ringing,
  call_progressing,
  call_terminating,
  call_canceling,
  call_hangup,
  groupcall_created,
  groupcall_progressing,
  groupcall_hangup,
  groupcall_deleted,
  // A call's fields changed without a status change (it joined or left a
  // conference), and a call's deletion (DELETE /v1.0/calls/{id}).
  call_updated,
  call_deleted,
  conference_created,
  conference_updated,  // participants added or removed, or fields changed
  conference_deleted,
  conferencecall_joining,
  conferencecall_joined,
  conferencecall_leaving,
  conferencecall_leaved,
};

enum class ResourceKind { call, groupcall, conference, conferencecall };

std::string_view to_string(EventType type);
std::optional<EventType> parse_event_type(std::string_view text);
std::string_view to_string(ResourceKind kind);

// The event a call's move into `status` publishes.
EventType event_for(CallStatus status);
// The event a conferencecall's move into `status` publishes.
EventType event_for(ConferencecallStatus status);
// The status a call event's snapshot carries (call_created: dialing); nullopt for
// any other event, call_updated and call_deleted included (they change no status).
std::optional<CallStatus> call_status_of(EventType type);

class Event {
 public:
  Event(EventType type, std::shared_ptr<const Call> call);
  Event(EventType type, std::shared_ptr<const Groupcall> groupcall);
  Event(EventType type, std::shared_ptr<const Conference> conference);
  Event(EventType type, std::shared_ptr<const Conferencecall> conferencecall);

  EventType type() const noexcept { return type_; }
  ResourceKind kind() const noexcept { return kind_; }
  const Uuid& customer_id() const noexcept;
  const Uuid& resource_id() const noexcept;
  // Exactly one of these is non-null: the one kind() names.
  const std::shared_ptr<const Call>& call() const noexcept { return call_; }
  const std::shared_ptr<const Groupcall>& groupcall() const noexcept { return groupcall_; }
  const std::shared_ptr<const Conference>& conference() const noexcept { return conference_; }
  const std::shared_ptr<const Conferencecall>& conferencecall() const noexcept {
    return conferencecall_;
  }

  // "customer_id:<customer>:<resource>:<id>"
  std::string topic() const;
  // The snapshot as JSON, serialised on first use; safe from any thread.
  const std::string& data_json() const;
  // {"type":"<type>","data":{...}}: one line for logs and simple consumers.
  std::string to_json() const;

 private:
  EventType type_;
  ResourceKind kind_;
  std::shared_ptr<const Call> call_;
  std::shared_ptr<const Groupcall> groupcall_;
  std::shared_ptr<const Conference> conference_;
  std::shared_ptr<const Conferencecall> conferencecall_;
  mutable std::once_flag json_once_;
  mutable std::string json_;
};

using EventPtr = std::shared_ptr<const Event>;

}  // namespace chorus
