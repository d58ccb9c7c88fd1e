#pragma once
// A groupcall: one caller ringing many destinations (VoIPbin's Groupcall struct,
// plus ring_timeout and answer_timeout where VoIPbin is silent).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/address.hpp"
#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

enum class GroupcallStatus { progressing, hangingup, hangup };

// "" is kept apart from ring_all so a resource round-trips as it was written;
// effective() says how the engine treats it.
enum class RingMethod { unset, ring_all, linear };
enum class AnswerMethod { unset, hangup_others };

std::string_view to_string(GroupcallStatus status);
std::string_view to_string(RingMethod method);
std::string_view to_string(AnswerMethod method);
std::optional<GroupcallStatus> parse_groupcall_status(std::string_view text);
std::optional<RingMethod> parse_ring_method(std::string_view text);
std::optional<AnswerMethod> parse_answer_method(std::string_view text);

constexpr RingMethod effective(RingMethod m) {
  return m == RingMethod::unset ? RingMethod::ring_all : m;
}
constexpr AnswerMethod effective(AnswerMethod m) {
  return m == AnswerMethod::unset ? AnswerMethod::hangup_others : m;
}

struct Groupcall {
  static constexpr std::int32_t default_ring_timeout = 30;  // seconds

  Uuid id;
  Uuid customer_id;
  std::string owner_type;  // "" or e.g. "agent"
  Uuid owner_id;
  GroupcallStatus status = GroupcallStatus::progressing;
  Address source;
  std::vector<Address> destinations;
  Uuid master_call_id;
  Uuid master_groupcall_id;  // the parent, for a nested groupcall
  RingMethod ring_method = RingMethod::unset;
  AnswerMethod answer_method = AnswerMethod::unset;
  Uuid answer_call_id;
  Uuid answer_groupcall_id;
  std::vector<Uuid> call_ids;
  std::vector<Uuid> groupcall_ids;
  std::int32_t call_count = 0;       // legs not yet hung up
  std::int32_t groupcall_count = 0;  // nested groupcalls not yet hung up
  std::int32_t dial_index = 0;       // linear: the destination ringing now
  // Extensions: seconds a destination rings before it counts as no answer, and
  // seconds for the whole groupcall (0 = no limit).
  std::int32_t ring_timeout = default_ring_timeout;
  std::int32_t answer_timeout = 0;
  // Extension: the conference its winning leg joins as soon as it answers.
  Uuid conference_id;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Groupcall& other) const;
  bool operator!=(const Groupcall& other) const { return !(*this == other); }
};

}  // namespace chorus
