// The model's JSON decoders (model/json.hpp): address, groupcall, call, agent and
// extension, picked by the first byte; the rest is the document. Properties: nothing
// is accepted that the validator refuses; a decoded value re-encodes to JSON that
// decodes to the same encoding; every member the input gave and the encoding has
// holds the same value (UUIDs compared as UUIDs, since either case is accepted);
// every error is clean text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accepted_value.hpp"
#include "model/json.hpp"
#include "property.hpp"

namespace {

using rapidjson::Value;

bool same_uuid(const Value& a, const Value& b) {
  auto x = chorus::Uuid::parse({a.GetString(), a.GetStringLength()});
  auto y = chorus::Uuid::parse({b.GetString(), b.GetStringLength()});
  return x && y && *x == *y;
}

// Whether `out` says what `in` said, for every member both have.
bool agrees(const Value& in, const Value& out) {
  if (in.IsString() && out.IsString()) return in == out || same_uuid(in, out);
  if (in.IsObject() && out.IsObject()) {
    for (auto m = in.MemberBegin(); m != in.MemberEnd(); ++m) {
      // A repeated name: the decoder reads the first one.
      if (in.FindMember(m->name) != m) continue;
      auto o = out.FindMember(m->name);
      if (o != out.MemberEnd() && !agrees(m->value, o->value)) return false;
    }
    return true;
  }
  if (in.IsArray() && out.IsArray()) {
    if (in.Size() != out.Size()) return false;
    for (rapidjson::SizeType i = 0; i < in.Size(); ++i) {
      if (!agrees(in[i], out[i])) return false;
    }
    return true;
  }
  return in == out;
}

void expect_agrees(std::string_view input, const std::string& encoded) {
  rapidjson::Document in, out;
  in.Parse(input.data(), input.size());
  out.Parse(encoded.data(), encoded.size());
  chorus::fuzz::expect(!in.HasParseError() && !out.HasParseError() && agrees(in, out),
                       "the encoding keeps every value the input gave", encoded);
}

void expect_valid(const chorus::Address& a) {
  chorus::fuzz::expect_valid_address(a, "address");
}
void expect_valid(const chorus::Groupcall& g) {
  chorus::fuzz::expect_valid_address(g.source, "source");
  chorus::fuzz::expect_valid_addresses(g.destinations, "destinations", SIZE_MAX);
  chorus::fuzz::expect_valid_text(g.owner_type, "owner_type", chorus::field_limits::owner_type);
}
void expect_valid(const chorus::Call& c) {
  chorus::fuzz::expect_valid_address(c.source, "source");
  chorus::fuzz::expect_valid_address(c.destination, "destination");
}
void expect_valid(const chorus::Agent& a) {
  chorus::fuzz::expect_valid_agent(a);
}
void expect_valid(const chorus::Extension& e) {
  chorus::fuzz::expect_valid_extension(e);
}

template <class T>
void check(std::string_view json, chorus::Result<T> (*decode)(std::string_view)) {
  auto value = decode(json);
  if (!value) {
    chorus::fuzz::expect_clean_error(value.error(), "a refused document");
    return;
  }
  expect_valid(*value);
  std::string encoded = chorus::to_json(*value);
  chorus::fuzz::expect_json(encoded, "an encoded value");
  expect_agrees(json, encoded);
  auto again = decode(encoded);
  if (!again) {
    chorus::fuzz::broken("an encoded value decodes: " + again.error().message, encoded);
  }
  chorus::fuzz::expect(chorus::to_json(*again) == encoded,
                       "decode, encode, decode gives the same encoding", encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      check(json, &chorus::address_from_json);
      break;
    case 1:
      check(json, &chorus::groupcall_from_json);
      break;
    case 2:
      check(json, &chorus::call_from_json);
      break;
    case 3:
      check(json, &chorus::agent_from_json);
      break;
    default:
      check(json, &chorus::extension_from_json);
      break;
  }
  return 0;
}
