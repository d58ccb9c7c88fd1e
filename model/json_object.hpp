#pragma once
// Private: a free JSON object that a client stores and reads back (a conference's
// data), held as its compact text.
//
// Normal form: the object re-serialised compactly, keeping its members in the order
// given, duplicates included, and every value; whitespace is dropped, string escapes
// are reduced to the ones JSON needs (\u00e9 becomes é) and numbers are spelt as
// RapidJSON writes them (integers that fit 64 bits as given, others in shortest
// round-trip form: 1E2 becomes 100.0, 1.50 becomes 1.5). So a client that sends
// compact JSON as JavaScript's JSON.stringify writes it reads back the very bytes it
// sent (but for the case of hex digits in escaped control characters: \u001F), any
// other client the same value, and the normal form reads back as itself.
// {} is held as empty text.

#include <cstddef>
#include <optional>
#include <string>

#include "model/json_detail.hpp"
#include "model/text.hpp"

namespace chorus::json_detail {

struct JsonObjectLimits {
  std::size_t max_bytes;  // of the compact text
  std::size_t max_depth;  // levels of nesting; the object itself is level 1
};

// Reads `value` into `out` in its normal form and returns nullopt, or returns the
// rule it breaks and leaves `out` alone: anything but an object, nesting deeper than
// max_depth, a string or member name that is not well-formed UTF-8 or holds U+0000,
// a normal form over max_bytes. The rule never quotes the client's member names,
// which may be huge or not even UTF-8; the caller names the field.
std::optional<std::string> read_json_object(const rapidjson::Value& value,
                                            const JsonObjectLimits& limits, Text& out);

// Writes text that read_json_object produced, as it is; empty text as {}.
void write_json_object(JsonWriter& w, const Text& object);

}  // namespace chorus::json_detail
