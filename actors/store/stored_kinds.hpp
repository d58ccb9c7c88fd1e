#pragma once
// How each stored body reads back, by the table it lives in: the same for every
// backend, since they all keep the body stored_record.hpp wrote.

#include <string_view>

#include "actors/store.hpp"
#include "actors/store/stored_bodies.hpp"
#include "model/conference_json.hpp"
#include "model/json.hpp"

namespace chorus::stored_kinds {

template <class T>
using Decoder = Result<T> (*)(std::string_view);

// The table a resource lives in and how its body decodes.
template <class T>
struct Kind {
  const char* table;
  Decoder<T> decode;
};

inline constexpr Kind<Groupcall> groupcall{"groupcalls", &groupcall_from_json};
inline constexpr Kind<Call> call{"calls", &call_from_json};
inline constexpr Kind<Agent> agent{"agents", &agent_from_json};
inline constexpr Kind<Extension> extension{"extensions", &extension_from_json};
inline constexpr Kind<Conference> conference{"conferences", &conference_from_json};
inline constexpr Kind<Conferencecall> conferencecall{"conferencecalls", &conferencecall_from_json};
inline constexpr Kind<ExtensionGroup> extension_group{"extension_groups",
                                                      &extension_group_from_json};
inline constexpr Kind<RingGroup> ring_group{"ring_groups", &stored_bodies::ring_group};
inline constexpr Kind<MissedCall> missed_call{"missed_calls", &missed_call_from_json};
inline constexpr Kind<InstantGroupCall> instant_group_call{"instant_group_calls",
                                                           &stored_bodies::instant_group_call};

// The error a body that does not decode reads as.
inline Error corrupt_row(const char* table, const Error& cause) {
  return Error::unavailable(std::string("store: corrupt (a row of ") + table +
                            " does not decode: " + cause.message + ")");
}

}  // namespace chorus::stored_kinds
