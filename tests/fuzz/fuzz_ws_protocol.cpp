// The WebSocket gateway's client messages (transport/ws_protocol: parse_ws_request).
// The frame decoder lets only UTF-8 text through, so other input is skipped.
// Properties: an accepted message names only the caller's own topics, each the parse
// of the name the client wrote; the ack is valid JSON naming them; asking again with the
// canonical topics gives the same request; a refusal becomes a valid JSON error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/json_detail.hpp"
#include "property.hpp"
#include "transport/ws_protocol.hpp"

namespace {

namespace jd = chorus::json_detail;
using chorus::WsRequest;
using chorus::fuzz::expect;

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");

std::string message_of(const WsRequest& request) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "type");
  jd::write_string(w, request.kind == WsRequest::Kind::subscribe ? "subscribe" : "unsubscribe");
  jd::write_key(w, "topics");
  w.StartArray();
  for (const chorus::Topic& topic : request.topics) jd::write_string(w, topic.to_string());
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!chorus::fuzz::is_utf8(text)) return 0;
  auto request = chorus::parse_ws_request(text, customer);
  if (!request) {
    chorus::fuzz::expect_clean_error(request.error(), "a refused message");
    chorus::fuzz::expect_json(chorus::ws_error("invalid_argument", request.error().message),
                              "an error message");
    return 0;
  }
  expect(!request->topics.empty() && request->topics.size() == request->names.size(),
         "an accepted message names its topics");
  for (std::size_t i = 0; i < request->topics.size(); ++i) {
    const chorus::Topic& topic = request->topics[i];
    expect(topic.customer_id() == customer, "a topic is the caller's own");
    auto parsed = chorus::Topic::parse(request->names[i]);
    expect(parsed && *parsed == topic, "a topic is the parse of its name", request->names[i]);
  }
  chorus::fuzz::expect_json(chorus::ws_ack(*request), "an ack");
  std::string canonical = message_of(*request);
  auto again = chorus::parse_ws_request(canonical, customer);
  expect(again && again->kind == request->kind && again->topics == request->topics,
         "the canonical message asks the same", canonical);
  return 0;
}
