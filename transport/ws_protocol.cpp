#include "transport/ws_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "model/json_detail.hpp"
#include "transport/websocket_frame.hpp"

namespace chorus {

namespace jd = json_detail;

namespace {

std::string finish(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<WsRequest> parse_ws_request(std::string_view text, const Uuid& customer_id) {
  auto doc = jd::parse_document(text);
  if (!doc) {
    // The model names the whole document "body"; here it is the message.
    auto rule = doc.error().message.substr(doc.error().message.find(": ") + 2);
    return Error::invalid("message", rule);
  }
  if (!doc->IsObject()) return Error::invalid("message", "must be a JSON object");
  auto type = doc->FindMember("type");
  if (type == doc->MemberEnd() || !type->value.IsString()) {
    return Error::invalid("type", "must be \"subscribe\" or \"unsubscribe\"");
  }
  WsRequest request;
  std::string_view kind(type->value.GetString(), type->value.GetStringLength());
  if (kind == "subscribe") {
    request.kind = WsRequest::Kind::subscribe;
  } else if (kind == "unsubscribe") {
    request.kind = WsRequest::Kind::unsubscribe;
  } else {
    // The client's value is not echoed: it may be long, and it is theirs already.
    return Error::invalid("type", "unknown message type; must be \"subscribe\" or \"unsubscribe\"");
  }
  auto topics = doc->FindMember("topics");
  if (topics == doc->MemberEnd() || !topics->value.IsArray() || topics->value.Empty()) {
    return Error::invalid("topics", "must be a non-empty array of topics");
  }
  for (rapidjson::SizeType i = 0; i < topics->value.Size(); ++i) {
    auto field = "topics[" + std::to_string(i) + "]";
    auto& t = topics->value[i];
    if (!t.IsString()) return Error::invalid(field, "must be a string");
    std::string_view name(t.GetString(), t.GetStringLength());
    auto topic = Topic::parse(name, field);
    if (!topic) return topic.error();
    if (topic->customer_id() != customer_id) {
      return Error::invalid(field, "must be a topic of your own customer");
    }
    request.topics.push_back(std::move(topic).value());
    request.names.emplace_back(name);
  }
  return request;
}

std::string ws_ack(const WsRequest& request) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "type");
  jd::write_string(w, request.kind == WsRequest::Kind::subscribe ? "subscribed" : "unsubscribed");
  jd::write_key(w, "topics");
  w.StartArray();
  for (auto& name : request.names) jd::write_string(w, name);
  w.EndArray();
  w.EndObject();
  return finish(buffer);
}

std::string ws_error(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "type");
  jd::write_string(w, "error");
  jd::write_key(w, "error");
  jd::write_string(w, code);
  jd::write_key(w, "message");
  jd::write_string(w, message);
  w.EndObject();
  return finish(buffer);
}

void append_event_frame(std::string& out, std::string_view type, std::uint64_t seq,
                        std::string_view data_json) {
  append_event_frame_head(out, type, seq, data_json.size());
  out.append(data_json).append(event_frame_tail);
}

void append_event_frame_head(std::string& out, std::string_view type, std::uint64_t seq,
                             std::size_t data_bytes) {
  // {"type":"<type>","seq":<seq>,"data":<data_json>}
  constexpr std::string_view open = R"({"type":")", middle = R"(","seq":)", data = R"(,"data":)";
  char digits[24];
  auto seq_end = std::to_chars(digits, digits + sizeof digits, seq).ptr;
  std::string_view seq_text(digits, static_cast<std::size_t>(seq_end - digits));
  std::size_t size = open.size() + type.size() + middle.size() + seq_text.size() + data.size() +
                     data_bytes + event_frame_tail.size();
  // Built aside and appended once: this runs for every event and subscriber, and
  // six appends cost more than the bytes they copy.
  // Every event type fits the stack buffer; a longer one would go to the heap.
  char stack[128];
  std::string heap;
  char* head = stack;
  std::size_t head_bytes = websocket::max_frame_header + size - data_bytes;
  if (head_bytes > sizeof stack) {
    heap.resize(head_bytes);
    head = heap.data();
  }
  // The constants' sizes are known here, so their copies compile to moves.
  char* at = head + websocket::write_frame_header(head, websocket::Opcode::text, size);
  at = std::copy(open.begin(), open.end(), at);
  std::memcpy(at, type.data(), type.size());
  at += type.size();
  at = std::copy(middle.begin(), middle.end(), at);
  std::memcpy(at, seq_text.data(), seq_text.size());
  at += seq_text.size();
  at = std::copy(data.begin(), data.end(), at);
  out.append(head, static_cast<std::size_t>(at - head));
}

void append_events_dropped_frame(std::string& out, std::uint64_t seq, std::uint64_t count) {
  append_event_frame(out, "events_dropped", seq, R"({"count":)" + std::to_string(count) + "}");
}

}  // namespace chorus
