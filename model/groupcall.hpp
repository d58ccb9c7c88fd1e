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
// memory_hunt (an extension) rings the first destination, then the first two, and
// so on, one ring_timeout per step; those already ringing keep ringing.
enum class RingMethod { unset, ring_all, linear, memory_hunt };
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

// Extension: where an unanswered ring group sent the call (its fail_dest or
// no_agent_online_dest, and the value it went to). Empty when none was taken.
struct Failover {
  std::string dest;
  std::string value;

  friend bool operator==(const Failover& a, const Failover& b) {
    return a.dest == b.dest && a.value == b.value;
  }
  friend bool operator!=(const Failover& a, const Failover& b) { return !(a == b); }
};

struct Groupcall {
  static constexpr std::int32_t default_ring_timeout = 30;  // seconds
  static constexpr std::int32_t max_repeats = 10;

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
  // Extensions: how many more times the whole schedule runs when nobody answered,
  // and whether one destination declining (busy, 603) ends the whole groupcall.
  std::int32_t repeats = 0;
  bool fail_on_single_reject = false;
  Failover failover;
  Timestamp tm_create;
  Timestamp tm_update;
  Timestamp tm_delete;

  bool operator==(const Groupcall& other) const;
  bool operator!=(const Groupcall& other) const { return !(*this == other); }
};

}  // namespace chorus
