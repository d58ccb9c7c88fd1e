// POST /v1.0/groupcalls bodies (groupcall_request_from_json). Properties: nothing is
// accepted that the validator refuses; an accepted request re-encodes to a body that
// decodes to the same request (decode, encode, decode gives the same encoding); every
// error is clean text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accepted_value.hpp"
#include "model/json_detail.hpp"
#include "property.hpp"
#include "transport/rest_json.hpp"

namespace {

namespace jd = chorus::json_detail;
using chorus::GroupcallRequest;

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");

// The request as a body, every field written: what a client resending it would send.
std::string body_of(const GroupcallRequest& request) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "source");
  jd::write_value(w, request.source);
  jd::write_key(w, "destinations");
  w.StartArray();
  for (const chorus::Address& destination : request.destinations) jd::write_value(w, destination);
  w.EndArray();
  jd::write_key(w, "ring_method");
  jd::write_string(w, chorus::to_string(request.ring_method));
  jd::write_key(w, "answer_method");
  jd::write_string(w, chorus::to_string(request.answer_method));
  jd::write_key(w, "ring_timeout");
  w.Int(request.ring_timeout);
  jd::write_key(w, "answer_timeout");
  w.Int(request.answer_timeout);
  jd::write_key(w, "master_call_id");
  jd::write_uuid(w, request.master_call_id);
  jd::write_key(w, "owner_type");
  jd::write_string(w, request.owner_type);
  jd::write_key(w, "owner_id");
  jd::write_uuid(w, request.owner_id);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void expect_valid(const GroupcallRequest& request) {
  using chorus::fuzz::expect_valid_address;
  expect_valid_address(request.source, "source");
  for (const chorus::Address& destination : request.destinations) {
    expect_valid_address(destination, "destinations[]");
  }
  chorus::fuzz::expect_valid_text(request.owner_type, "owner_type",
                                  chorus::field_limits::owner_type);
  chorus::fuzz::expect(request.customer_id == customer, "the request is the caller's customer's");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::fuzz::expect;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto request = chorus::groupcall_request_from_json(body, customer);
  if (!request) {
    chorus::fuzz::expect_clean_error(request.error(), "a refused groupcall request");
    return 0;
  }
  expect_valid(*request);
  std::string encoded = body_of(*request);
  chorus::fuzz::expect_json(encoded, "a re-encoded groupcall request");
  auto again = chorus::groupcall_request_from_json(encoded, customer);
  if (!again) {
    chorus::fuzz::broken("a re-encoded groupcall request decodes: " + again.error().message,
                         encoded);
  }
  expect(body_of(*again) == encoded, "decode, encode, decode gives the same encoding", encoded);
  return 0;
}
