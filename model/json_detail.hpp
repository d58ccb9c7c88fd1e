#pragma once
// Private: the RapidJSON-level codecs behind model/json.hpp, for code that builds or
// reads larger documents (REST bodies, event envelopes) and wants the model's field
// names, formats and error paths without re-serialising through strings.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "model/call.hpp"
#include "model/directory_entry.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"

namespace chorus::json_detail {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A string value's text, without measuring it again (it may hold NULs).
inline std::string_view text_of(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// Writes a member name without measuring it at run time.
template <std::size_t N>
void write_key(JsonWriter& w, const char (&name)[N]) {
  w.Key(name, static_cast<rapidjson::SizeType>(N - 1));
}

void write_string(JsonWriter& w, std::string_view text);
void write_uuid(JsonWriter& w, const Uuid& id);  // via a stack buffer, no allocation
void write_uuids(JsonWriter& w, const std::vector<Uuid>& ids);
void write_timestamp(JsonWriter& w, Timestamp t);
void write_value(JsonWriter& w, const Address& address);
void write_value(JsonWriter& w, const Groupcall& groupcall);
void write_value(JsonWriter& w, const Call& call);
void write_value(JsonWriter& w, const Agent& agent);
void write_value(JsonWriter& w, const Extension& extension);
void write_value(JsonWriter& w, const Failover& failover);
void write_value(JsonWriter& w, const ExtensionGroup& group);
void write_value(JsonWriter& w, const MissedCall& missed_call);

// Where a value sits in the document. Paths live on the stack as a chain to the root
// and are only turned into text ("destinations[1].type") when something is wrong.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // the member name; unused for an array element
  std::size_t index = 0;
  bool is_element = false;

  Path member(std::string_view name) const { return Path{this, name, 0, false}; }
  Path element(std::size_t i) const { return Path{this, {}, i, true}; }
  // "" for the root, "a.b[2].c" below it.
  std::string to_string() const;
};

// No Chorus body nests deeper than a few levels; a document nested deeper than this
// is refused before it is parsed, so hostile nesting costs neither stack nor memory.
inline constexpr std::size_t max_json_depth = 64;

// Parses a document; malformed text, invalid UTF-8 and nesting deeper than
// max_json_depth are Error::invalid("body", ...).
Result<rapidjson::Document> parse_document(std::string_view json);

// Reads the members of one object, remembering the first error. Absent members keep
// the caller's defaults; present ones must have the right type and format.
class ObjectReader {
 public:
  // Records "must be an object" at once if `value` is not one.
  ObjectReader(const rapidjson::Value& value, const Path& path);

  // Strings are checked against `max_bytes`, UTF-8 and U+0000 (check_text).
  ObjectReader& string(std::string_view name, std::string& out, std::size_t max_bytes);
  ObjectReader& text(std::string_view name, Text& out, std::size_t max_bytes);
  ObjectReader& uuid(std::string_view name, Uuid& out);
  ObjectReader& timestamp(std::string_view name, Timestamp& out);
  ObjectReader& int32(std::string_view name, std::int32_t& out);
  // An integer from `min` to `max`; outside, the error names the range.
  ObjectReader& int32(std::string_view name, std::int32_t& out, std::int32_t min, std::int32_t max);
  ObjectReader& boolean(std::string_view name, bool& out);
  // An array of strings, each checked as string() checks one.
  ObjectReader& strings(std::string_view name, std::vector<std::string>& out, std::size_t max_bytes,
                        std::size_t max_items);
  ObjectReader& address(std::string_view name, Address& out);
  ObjectReader& addresses(std::string_view name, std::vector<Address>& out,
                          std::size_t max_items = SIZE_MAX);
  ObjectReader& uuids(std::string_view name, std::vector<Uuid>& out);
  ObjectReader& failover(std::string_view name, Failover& out);
  ObjectReader& address_type(std::string_view name, AddressType& out);
  ObjectReader& call_status(std::string_view name, CallStatus& out);
  ObjectReader& call_direction(std::string_view name, CallDirection& out);
  ObjectReader& hangup_by(std::string_view name, HangupBy& out);
  ObjectReader& hangup_reason(std::string_view name, HangupReason& out);
  ObjectReader& groupcall_status(std::string_view name, GroupcallStatus& out);
  ObjectReader& ring_method(std::string_view name, RingMethod& out);
  ObjectReader& answer_method(std::string_view name, AnswerMethod& out);

  // The member `name` if present and nothing has failed yet, else null: for callers
  // reading members this class has no method for.
  const rapidjson::Value* find(std::string_view name) const;
  // Records an error at member `name` (the first one wins).
  void fail(std::string_view name, std::string rule);
  Status status() const;

 private:
  // The member `name` if it is a string within the rules of check_text; otherwise
  // null, with the error recorded when it is present but broken.
  const rapidjson::Value* checked_text(std::string_view name, std::size_t max_bytes);
  template <class E, std::size_t N>
  ObjectReader& enumeration(std::string_view name, const std::array<std::string_view, N>& names,
                            E& out);

  const rapidjson::Value& object_;
  const Path& path_;
  Status status_;
};

// Whole-value readers; `path` names `value` itself in error messages.
Status read_value(const rapidjson::Value& value, const Path& path, Address& out);
Status read_value(const rapidjson::Value& value, const Path& path, Groupcall& out);
Status read_value(const rapidjson::Value& value, const Path& path, Call& out);
Status read_value(const rapidjson::Value& value, const Path& path, Agent& out);
Status read_value(const rapidjson::Value& value, const Path& path, Extension& out);
Status read_value(const rapidjson::Value& value, const Path& path, Failover& out);
Status read_value(const rapidjson::Value& value, const Path& path, ExtensionGroup& out);
Status read_value(const rapidjson::Value& value, const Path& path, MissedCall& out);

// A model value as a whole document, and back: what every public codec
// (model/json.hpp, model/conference_json.hpp) does around its write_value and
// read_value. The codec is passed in, so that overloads declared after this
// header (conferences') serve too.
template <class T>
std::string encode_document(const T& value, void (*write)(JsonWriter&, const T&)) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  write(writer, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

template <class T>
Result<T> decode_document(std::string_view json,
                          Status (*read)(const rapidjson::Value&, const Path&, T&)) {
  Result<rapidjson::Document> document = parse_document(json);
  if (!document) return document.error();
  // The root gets a name of its own so "not an object" still names something.
  if (!document->IsObject()) return Error::invalid("body", "must be a JSON object");
  T value;
  const Path root;
  if (Status status = read(*document, root, value); !status) return status.error();
  return Result<T>(std::move(value));
}

}  // namespace chorus::json_detail
