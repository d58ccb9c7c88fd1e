// The WebSocket frame decoder (transport/websocket_frame), with UTF-8 validation.
// The first byte picks a mode and the inbound message limit; the second byte a read
// size.
//  - even: the rest is what a client sent. Decoding it whole and decoding it as it
//    arrives in reads of 1 to 16 bytes give the same items; every item is within the
//    protocol (text and close reasons valid UTF-8, messages within the limit, close
//    codes a peer may send); an incomplete frame asks for more bytes than it has and
//    never more than one frame within the limit; nothing comes after a violation.
//  - odd: the rest is a payload, framed by the server's own encoder, masked as a
//    client would, maybe fragmented; decoding gives back the payload, or the violation
//    the protocol calls for (invalid UTF-8 in text, over the limit).
// Always: the fast UTF-8 validators agree with one that decodes code points.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/utf8.hpp"
#include "property.hpp"
#include "transport/websocket_frame.hpp"
#include "utf8_reference.hpp"

namespace {

namespace ws = chorus::websocket;
using chorus::fuzz::expect;
using Kind = ws::Inbound::Kind;

constexpr std::size_t max_control = 125;

struct Item {
  Kind kind;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Item& o) const {
    return kind == o.kind && payload == o.payload && code == o.code;
  }
};

void expect_within_protocol(const ws::Inbound& in, std::size_t max_message) {
  switch (in.kind) {
    case Kind::message:
      expect(in.payload.size() <= max_message, "a message is within the inbound limit");
      break;
    case Kind::ping:
    case Kind::pong:
      expect(in.payload.size() <= max_control, "a control payload is at most 125 bytes");
      break;
    case Kind::close:
      expect(in.code == 1005 || (in.code >= 1000 && in.code <= 1003) ||
                 (in.code >= 1007 && in.code <= 1011) || (in.code >= 3000 && in.code <= 4999),
             "a close code is one a peer may send");
      expect(chorus::fuzz::is_utf8_by_code_points(in.payload), "a close reason is UTF-8");
      break;
    case Kind::violation:
      expect(!in.rule.empty(), "a violation names its rule");
      break;
  }
}

// Decodes `stream` as it arrives in reads of `read_size` bytes, the way WsSession does:
// decode what the buffer holds, drop what was consumed, read on.
std::vector<Item> decode(std::string_view stream, std::size_t max_message, std::size_t read_size) {
  ws::ClientFrameDecoder decoder(max_message);
  std::vector<Item> items;
  std::string buffer;
  std::size_t fed = 0;
  while (!decoder.failed()) {
    std::size_t consumed = 0, needed = 0;
    auto in = decoder.next(buffer.data(), buffer.size(), consumed, needed);
    expect(consumed <= buffer.size(), "the decoder consumes only what it has");
    if (in) {
      expect_within_protocol(*in, max_message);
      expect(in->kind == Kind::violation || consumed > 0, "an item consumes its frame");
      items.push_back(Item{in->kind, std::string(in->payload), in->code});
      buffer.erase(0, consumed);
      continue;
    }
    if (consumed > 0) {
      buffer.erase(0, consumed);
      continue;
    }
    expect(needed > buffer.size(), "an incomplete frame asks for more than the buffer holds");
    expect(needed <= 14 + std::max(max_message, max_control),
           "a peer cannot make the server hold more than one frame within the limit");
    if (fed == stream.size()) break;
    std::size_t take = std::min(read_size, stream.size() - fed);
    buffer.append(stream.substr(fed, take));
    fed += take;
  }
  if (decoder.failed()) {
    expect(!items.empty() && items.back().kind == Kind::violation,
           "the decoder fails only with a violation");
    std::size_t consumed = 1, needed = 0;
    std::string rest = buffer + std::string("\x81\x80\0\0\0\0", 6);  // an empty text frame
    expect(!decoder.next(rest.data(), rest.size(), consumed, needed) && consumed == 0,
           "nothing is decoded after a violation");
  }
  return items;
}

// A client frame: the server's header with the mask bit set, then the key, then the
// payload masked with it.
std::string client_frame(ws::Opcode opcode, bool fin, std::string_view payload,
                         const unsigned char key[4]) {
  std::string frame;
  ws::append_frame_header(frame, opcode, payload.size());
  expect(frame.size() == ws::frame_header_size(payload.size()),
         "a header is as long as frame_header_size says");
  if (!fin) frame[0] = static_cast<char>(frame[0] & 0x7F);
  frame[1] = static_cast<char>(frame[1] | 0x80);
  frame.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    frame.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  }
  return frame;
}

void check_stream(std::string_view stream, std::size_t max_message, std::size_t read_size) {
  auto whole = decode(stream, max_message, stream.size() + 1);
  auto in_reads = decode(stream, max_message, read_size);
  expect(whole == in_reads, "decoding does not depend on how the bytes arrive");
}

void check_round_trip(std::string_view payload, std::size_t max_message, std::uint8_t shape) {
  const unsigned char key[4] = {0x37, static_cast<unsigned char>(shape), 0xA5, 0x0F};
  bool text = shape & 1;
  auto opcode = text ? ws::Opcode::text : ws::Opcode::binary;
  // Up to 3 fragments, cut where `shape` says.
  std::size_t fragments = 1 + (shape >> 1) % 3;
  std::string stream;
  std::size_t start = 0;
  for (std::size_t f = 0; f < fragments; ++f) {
    bool last = f + 1 == fragments;
    std::size_t end = last ? payload.size() : std::min(payload.size(), start + (shape >> 3) + 1);
    stream += client_frame(f == 0 ? opcode : ws::Opcode::continuation, last,
                           payload.substr(start, end - start), key);
    start = end;
  }
  auto items = decode(stream, max_message, 1 + shape % 16);
  expect(items.size() == 1, "one message framed is one item");
  if (payload.size() > max_message) {
    expect(items[0].kind == Kind::violation && items[0].code == ws::close_code::message_too_big,
           "a message over the limit is refused with 1009");
  } else if (text && !chorus::fuzz::is_utf8_by_code_points(payload)) {
    expect(items[0].kind == Kind::violation && items[0].code == ws::close_code::invalid_payload,
           "text that is not UTF-8 is refused with 1007");
  } else {
    expect(items[0].kind == Kind::message && items[0].payload == payload,
           "a framed message decodes to its payload", payload);
  }
  // A ping carries its payload back, cut to a control frame's 125 bytes by the encoder.
  std::string ping;
  ws::append_frame(ping, ws::Opcode::ping, payload);
  std::string_view ping_payload = payload.substr(0, max_control);
  expect(ping.size() == ws::frame_header_size(ping_payload.size()) + ping_payload.size(),
         "append_frame cuts a control payload to 125 bytes");
  auto pings = decode(client_frame(ws::Opcode::ping, true, ping_payload, key), max_message, 7);
  expect(pings.size() == 1 && pings[0].kind == Kind::ping && pings[0].payload == ping_payload,
         "a ping decodes to its payload");
  // A close frame the server writes reads back as the same close, when its reason is UTF-8.
  std::string close;
  std::uint16_t code = 3000 + shape;
  ws::append_close_frame(close, code, payload);
  std::string_view reason = payload.substr(0, max_control - 2);
  std::string body = std::string(1, static_cast<char>(code >> 8)) +
                     std::string(1, static_cast<char>(code & 0xFF)) + std::string(reason);
  expect(close.substr(ws::frame_header_size(body.size())) == body,
         "a close frame carries the code and the reason cut to 123 bytes");
  if (chorus::fuzz::is_utf8_by_code_points(reason)) {
    auto closes = decode(client_frame(ws::Opcode::close, true, body, key), max_message, 3);
    expect(closes.size() == 1 && closes[0].kind == Kind::close && closes[0].code == code &&
               closes[0].payload == reason,
           "a close decodes to its code and reason");
  }
}

void check_utf8(std::string_view text) {
  bool expected = chorus::fuzz::is_utf8_by_code_points(text);
  expect(ws::is_valid_utf8(text) == expected, "websocket::is_valid_utf8 agrees on", text);
  expect(chorus::is_valid_utf8(text) == expected, "chorus::is_valid_utf8 agrees on", text);
  // The fast path reads 8 bytes at a time: every alignment of the tail too.
  for (std::size_t skip = 1; skip < 8 && skip < text.size(); ++skip) {
    auto tail = text.substr(skip);
    expect(ws::is_valid_utf8(tail) == chorus::fuzz::is_utf8_by_code_points(tail),
           "websocket::is_valid_utf8 agrees on a tail", tail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  check_utf8(rest);
  // Limits of 0 to 4064 bytes, in steps of 32, so that the fuzzer reaches them.
  std::size_t max_message = (data[0] >> 1) * 32;
  if (data[0] % 2 == 0) {
    check_stream(rest, max_message, 1 + data[1] % 16);
  } else {
    check_round_trip(rest, max_message, data[1]);
  }
  return 0;
}
