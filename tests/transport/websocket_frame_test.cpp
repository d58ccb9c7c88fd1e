#include "transport/websocket_frame.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::websocket {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// --- A client frame, built independently of the code under test --------------------

enum class Length { minimal, bits16, bits64 };

struct ClientFrame {
  bool fin = true;
  std::uint8_t opcode = 0x1;
  std::string payload;
  std::array<std::uint8_t, 4> mask{0x37, 0xFA, 0x21, 0x3D};
  std::uint8_t rsv = 0;  // the three reserved bits, 0-7
  bool masked = true;
  Length length = Length::minimal;
  std::optional<std::uint64_t> announced;  // the length the header claims, if not the payload's
};

std::string encode(const ClientFrame& frame) {
  std::string out;
  out.push_back(static_cast<char>((frame.fin ? 0x80 : 0) | (frame.rsv << 4) | frame.opcode));
  const std::uint64_t length = frame.announced.value_or(frame.payload.size());
  Length encoding = frame.length;
  if (encoding == Length::minimal) {
    encoding = length < 126 ? Length::minimal : length <= 0xFFFF ? Length::bits16 : Length::bits64;
  }
  const int mask_bit = frame.masked ? 0x80 : 0;
  if (encoding == Length::minimal) {
    out.push_back(static_cast<char>(mask_bit | length));
  } else if (encoding == Length::bits16) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>((length >> 8) & 0xFF));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((length >> shift) & 0xFF));
    }
  }
  if (frame.masked) {
    for (std::uint8_t b : frame.mask) out.push_back(static_cast<char>(b));
  }
  for (std::size_t i = 0; i < frame.payload.size(); ++i) {
    const auto key = frame.masked ? frame.mask[i % 4] : 0;
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(frame.payload[i]) ^ key));
  }
  return out;
}

std::string frame(std::uint8_t opcode, std::string payload, bool fin = true) {
  ClientFrame f;
  f.opcode = opcode;
  f.payload = std::move(payload);
  f.fin = fin;
  return encode(f);
}

std::string text(std::string payload, bool fin = true) {
  return frame(0x1, std::move(payload), fin);
}
std::string binary(std::string payload, bool fin = true) {
  return frame(0x2, std::move(payload), fin);
}
std::string continuation(std::string payload, bool fin = true) {
  return frame(0x0, std::move(payload), fin);
}
std::string ping(std::string payload) {
  return frame(0x9, std::move(payload));
}
std::string close_frame(std::string payload) {
  return frame(0x8, std::move(payload));
}
std::string close_frame(std::uint16_t code, std::string reason) {
  return close_frame(bytes({code >> 8, code & 0xFF}) + reason);
}

// --- Driving the decoder -------------------------------------------------------------

// One call to next(), with the item's views copied out.
struct Step {
  bool has_item = false;
  Inbound::Kind kind = Inbound::Kind::message;
  std::string payload;
  std::uint16_t code = 0;
  std::string rule;
  std::size_t consumed = 0;
  std::size_t needed = 0;
};

Step step(ClientFrameDecoder& decoder, std::string& buffer, std::size_t offset = 0) {
  Step s;
  auto item = decoder.next(buffer.data() + offset, buffer.size() - offset, s.consumed, s.needed);
  if (item) {
    s.has_item = true;
    s.kind = item->kind;
    s.payload = std::string(item->payload);
    s.code = item->code;
    s.rule = std::string(item->rule);
  }
  return s;
}

// Everything the decoder yields from `input`, as a reader would drive it: call again
// after an item or a fragment, stop when the decoder asks for more bytes.
std::vector<Step> drain(ClientFrameDecoder& decoder, std::string input) {
  std::vector<Step> steps;
  std::size_t offset = 0;
  for (;;) {
    Step s = step(decoder, input, offset);
    if (!s.has_item && s.consumed == 0) break;
    offset += s.consumed;
    steps.push_back(s);
    if (s.has_item && s.kind == Inbound::Kind::violation) break;
  }
  EXPECT_LE(offset, input.size());
  return steps;
}

// The single item `input` decodes to; the input must hold exactly that.
Step decode_one(std::string input, std::size_t max_message = 1 << 20) {
  ClientFrameDecoder decoder(max_message);
  Step s = step(decoder, input);
  EXPECT_TRUE(s.has_item);
  return s;
}

void expect_message(const Step& s, std::string_view payload) {
  ASSERT_TRUE(s.has_item);
  EXPECT_EQ(s.kind, Inbound::Kind::message) << "code " << s.code << ": " << s.rule;
  EXPECT_EQ(s.payload, payload);
}

void expect_violation(const Step& s, std::uint16_t code) {
  ASSERT_TRUE(s.has_item);
  EXPECT_EQ(s.kind, Inbound::Kind::violation);
  EXPECT_EQ(s.code, code);
  EXPECT_FALSE(s.rule.empty());
}

// --- Server frames -------------------------------------------------------------------

TEST(WebSocketServerFrame, HeaderSizes) {
  EXPECT_EQ(frame_header_size(0), 2u);
  EXPECT_EQ(frame_header_size(125), 2u);
  EXPECT_EQ(frame_header_size(126), 4u);
  EXPECT_EQ(frame_header_size(65535), 4u);
  EXPECT_EQ(frame_header_size(65536), 10u);
  EXPECT_EQ(frame_header_size(std::uint64_t(1) << 40), 10u);
}

TEST(WebSocketServerFrame, HeaderBytes) {
  struct Case {
    Opcode opcode;
    std::uint64_t length;
    std::string header;
  };
  const Case cases[] = {
      {Opcode::text, 0, bytes({0x81, 0x00})},
      {Opcode::text, 1, bytes({0x81, 0x01})},
      {Opcode::text, 125, bytes({0x81, 0x7D})},
      {Opcode::text, 126, bytes({0x81, 0x7E, 0x00, 0x7E})},
      {Opcode::binary, 300, bytes({0x82, 0x7E, 0x01, 0x2C})},
      {Opcode::text, 65535, bytes({0x81, 0x7E, 0xFF, 0xFF})},
      {Opcode::text, 65536, bytes({0x81, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00})},
      {Opcode::binary, 0x0102030405060708ULL,
       bytes({0x82, 0x7F, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08})},
      {Opcode::ping, 5, bytes({0x89, 0x05})},
      {Opcode::pong, 0, bytes({0x8A, 0x00})},
      {Opcode::close, 2, bytes({0x88, 0x02})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.length);
    std::string out;
    append_frame_header(out, c.opcode, c.length);
    EXPECT_EQ(out, c.header);
    EXPECT_EQ(out.size(), frame_header_size(c.length));
  }
}

TEST(WebSocketServerFrame, AppendsAfterWhatTheBufferHolds) {
  std::string out = "earlier";
  append_frame(out, Opcode::text, "one");
  append_frame(out, Opcode::text, "two");
  EXPECT_EQ(out, "earlier" + bytes({0x81, 0x03}) + "one" + bytes({0x81, 0x03}) + "two");
}

TEST(WebSocketServerFrame, DataFramesKeepTheirWholePayload) {
  const std::string payload(70000, 'x');
  std::string out;
  append_frame(out, Opcode::binary, payload);
  ASSERT_EQ(out.size(), 10 + payload.size());
  EXPECT_EQ(out.substr(0, 10), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70}));
  EXPECT_EQ(out.substr(10), payload);
}

TEST(WebSocketServerFrame, ControlPayloadsAreCutTo125Bytes) {
  std::string payload;
  for (int i = 0; i < 200; ++i) payload.push_back(static_cast<char>('a' + i % 26));
  for (Opcode opcode : {Opcode::ping, Opcode::pong, Opcode::close}) {
    SCOPED_TRACE(static_cast<int>(opcode));
    std::string out;
    append_frame(out, opcode, payload);
    ASSERT_EQ(out.size(), 2u + 125u);
    EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x80 | static_cast<int>(opcode));
    EXPECT_EQ(static_cast<unsigned char>(out[1]), 125);
    EXPECT_EQ(out.substr(2), payload.substr(0, 125));
  }
  std::string exact;
  append_frame(exact, Opcode::ping, payload.substr(0, 125));
  EXPECT_EQ(exact, bytes({0x89, 0x7D}) + payload.substr(0, 125));
}

TEST(WebSocketServerFrame, CloseFrameCodeIsBigEndian) {
  std::string out;
  append_close_frame(out, close_code::normal, "bye");
  EXPECT_EQ(out, bytes({0x88, 0x05, 0x03, 0xE8}) + "bye");

  out.clear();
  append_close_frame(out, 0x1234, "");
  EXPECT_EQ(out, bytes({0x88, 0x02, 0x12, 0x34}));

  out.clear();
  append_close_frame(out, close_code::message_too_big, "");
  EXPECT_EQ(out, bytes({0x88, 0x02, 0x03, 0xF1}));
}

TEST(WebSocketServerFrame, CloseReasonIsCappedTo123Bytes) {
  const std::string reason(200, 'r');
  std::string out;
  append_close_frame(out, close_code::policy_violation, reason);
  ASSERT_EQ(out.size(), 2u + 125u);
  EXPECT_EQ(out.substr(0, 4), bytes({0x88, 0x7D, 0x03, 0xF0}));
  EXPECT_EQ(out.substr(4), reason.substr(0, 123));

  out.clear();
  append_close_frame(out, close_code::going_away, reason.substr(0, 123));
  EXPECT_EQ(out, bytes({0x88, 0x7D, 0x03, 0xE9}) + reason.substr(0, 123));

  out.clear();
  append_close_frame(out, close_code::going_away, reason.substr(0, 124));
  EXPECT_EQ(out, bytes({0x88, 0x7D, 0x03, 0xE9}) + reason.substr(0, 123));
}

// --- ClientFrameDecoder: well-formed input -----------------------------------------------

TEST(WebSocketClientFrame, Rfc6455MaskedHello) {
  // RFC 6455 section 5.7: "A single-frame masked text message".
  std::string input = bytes({0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58});
  ClientFrameDecoder decoder(1024);
  Step s = step(decoder, input);
  expect_message(s, "Hello");
  EXPECT_EQ(s.consumed, input.size());
  EXPECT_FALSE(decoder.failed());
}

TEST(WebSocketClientFrame, HelperMatchesTheRfcExample) {
  EXPECT_EQ(text("Hello"),
            bytes({0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58}));
}

TEST(WebSocketClientFrame, UnmasksTextAndBinaryOfEveryLengthEncoding) {
  for (std::size_t size : {0, 1, 3, 4, 5, 125, 126, 127, 1000, 65535, 65536, 70001}) {
    SCOPED_TRACE(size);
    std::string payload;
    for (std::size_t i = 0; i < size; ++i) payload.push_back(static_cast<char>('A' + i % 53));
    std::string binary_payload = payload;
    for (std::size_t i = 0; i < size; i += 7) binary_payload[i] = static_cast<char>(0x80 + i % 128);

    std::string input = text(payload);
    Step s = decode_one(input);
    expect_message(s, payload);
    EXPECT_EQ(s.consumed, input.size());

    input = binary(binary_payload);
    s = decode_one(input);
    expect_message(s, binary_payload);
    EXPECT_EQ(s.consumed, input.size());
  }
}

TEST(WebSocketClientFrame, AcceptsAnyMaskKey) {
  for (std::array<std::uint8_t, 4> mask : {std::array<std::uint8_t, 4>{0, 0, 0, 0},
                                           std::array<std::uint8_t, 4>{0xFF, 0xFF, 0xFF, 0xFF},
                                           std::array<std::uint8_t, 4>{0x01, 0x80, 0x7F, 0xFE}}) {
    ClientFrame f;
    f.payload = "masked with some key";
    f.mask = mask;
    expect_message(decode_one(encode(f)), "masked with some key");
  }
}

TEST(WebSocketClientFrame, FedOneByteAtATime) {
  struct Case {
    std::size_t payload;
    std::size_t header;  // without the mask key
  };
  for (const Case c : {Case{11, 2}, Case{200, 4}, Case{70000, 10}}) {
    SCOPED_TRACE(c.payload);
    std::string payload;
    for (std::size_t i = 0; i < c.payload; ++i) payload.push_back(static_cast<char>('a' + i % 26));
    const std::string input = text(payload);
    ASSERT_EQ(input.size(), c.header + 4 + c.payload);

    ClientFrameDecoder decoder(1 << 20);
    std::string buffer;  // the read buffer, growing; the decoder may write into it
    for (std::size_t size = 0; size < input.size(); ++size) {
      Step s = step(decoder, buffer);
      ASSERT_FALSE(s.has_item) << "at " << size;
      ASSERT_EQ(s.consumed, 0u) << "at " << size;
      const std::size_t expected = size < 2 ? 2 : size < c.header + 4 ? c.header + 4 : input.size();
      ASSERT_EQ(s.needed, expected) << "at " << size;
      buffer.push_back(input[size]);
    }
    Step s = step(decoder, buffer);
    expect_message(s, payload);
    EXPECT_EQ(s.consumed, input.size());
    EXPECT_FALSE(decoder.failed());
  }
}

TEST(WebSocketClientFrame, TwoFramesInOneBuffer) {
  std::string first = text("first");
  std::string second = binary(bytes({0x00, 0xFF, 0x10}));
  std::string input = first + second + ping("p");
  ClientFrameDecoder decoder(1024);

  Step a = step(decoder, input);
  expect_message(a, "first");
  EXPECT_EQ(a.consumed, first.size());

  Step b = step(decoder, input, a.consumed);
  expect_message(b, bytes({0x00, 0xFF, 0x10}));
  EXPECT_EQ(b.consumed, second.size());

  Step c = step(decoder, input, a.consumed + b.consumed);
  ASSERT_TRUE(c.has_item);
  EXPECT_EQ(c.kind, Inbound::Kind::ping);
  EXPECT_EQ(c.payload, "p");
  EXPECT_EQ(a.consumed + b.consumed + c.consumed, input.size());

  Step end = step(decoder, input, input.size());
  EXPECT_FALSE(end.has_item);
  EXPECT_EQ(end.consumed, 0u);
  EXPECT_EQ(end.needed, 2u);
}

TEST(WebSocketClientFrame, AFrameFollowedByPartOfAnother) {
  std::string next = text("second");
  std::string input = text("first") + next.substr(0, 4);
  ClientFrameDecoder decoder(1024);
  Step a = step(decoder, input);
  expect_message(a, "first");
  Step b = step(decoder, input, a.consumed);
  EXPECT_FALSE(b.has_item);
  EXPECT_EQ(b.consumed, 0u);
  EXPECT_EQ(b.needed, 6u);  // the header and mask key, before the length is of use
}

TEST(WebSocketClientFrame, PingsAndPongsCarryTheirPayload) {
  std::string input =
      ping("") + ping("are you there") + frame(0xA, "yes") + ping(std::string(125, 'p'));
  ClientFrameDecoder decoder(16);  // control frames do not count towards the message limit
  std::vector<Step> steps = drain(decoder, input);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].kind, Inbound::Kind::ping);
  EXPECT_EQ(steps[0].payload, "");
  EXPECT_EQ(steps[1].kind, Inbound::Kind::ping);
  EXPECT_EQ(steps[1].payload, "are you there");
  EXPECT_EQ(steps[2].kind, Inbound::Kind::pong);
  EXPECT_EQ(steps[2].payload, "yes");
  EXPECT_EQ(steps[3].kind, Inbound::Kind::ping);
  EXPECT_EQ(steps[3].payload, std::string(125, 'p'));
  EXPECT_FALSE(decoder.failed());
}

TEST(WebSocketClientFrame, FragmentedMessageWithAnInterleavedPing) {
  std::string input = text("Hel", false) + ping("keepalive") + continuation("lo, ", false) +
                      continuation("world") + text("after");
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, input);
  ASSERT_EQ(steps.size(), 5u);
  // A fragment is taken in: nothing to hand out, but bytes to discard.
  EXPECT_FALSE(steps[0].has_item);
  EXPECT_EQ(steps[0].consumed, text("Hel", false).size());
  ASSERT_TRUE(steps[1].has_item);
  EXPECT_EQ(steps[1].kind, Inbound::Kind::ping);
  EXPECT_EQ(steps[1].payload, "keepalive");
  EXPECT_FALSE(steps[2].has_item);
  EXPECT_GT(steps[2].consumed, 0u);
  expect_message(steps[3], "Hello, world");
  expect_message(steps[4], "after");
  EXPECT_FALSE(decoder.failed());
}

TEST(WebSocketClientFrame, FragmentedBinaryMessage) {
  std::string input =
      binary(bytes({0xFF}), false) + continuation("", false) + continuation(bytes({0x00, 0xC0}));
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, input);
  ASSERT_EQ(steps.size(), 3u);
  expect_message(steps[2], bytes({0xFF, 0x00, 0xC0}));
}

TEST(WebSocketClientFrame, FragmentedTextMaySplitACharacter) {
  // U+20AC (E2 82 AC) cut between two fragments: only the whole message must be UTF-8.
  std::string input = text("price: \xE2\x82", false) + continuation("\xAC 5");
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, input);
  ASSERT_EQ(steps.size(), 2u);
  expect_message(steps[1], "price: \xE2\x82\xAC 5");
}

TEST(WebSocketClientFrame, ConsecutiveFragmentedMessages) {
  std::string input = text("ab", false) + continuation("cd") + binary("ef", false) +
                      continuation("gh") + text("ij");
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, input);
  ASSERT_EQ(steps.size(), 5u);
  expect_message(steps[1], "abcd");
  expect_message(steps[3], "efgh");
  expect_message(steps[4], "ij");
}

TEST(WebSocketClientFrame, CloseWithoutPayloadReports1005) {
  Step s = decode_one(close_frame(""));
  ASSERT_TRUE(s.has_item);
  EXPECT_EQ(s.kind, Inbound::Kind::close);
  EXPECT_EQ(s.code, 1005);
  EXPECT_EQ(s.payload, "");
}

TEST(WebSocketClientFrame, CloseWithCodeAndReason) {
  std::string input = close_frame(1000, "done here");
  Step s = decode_one(input);
  ASSERT_TRUE(s.has_item);
  EXPECT_EQ(s.kind, Inbound::Kind::close);
  EXPECT_EQ(s.code, 1000);
  EXPECT_EQ(s.payload, "done here");
  EXPECT_EQ(s.consumed, input.size());

  s = decode_one(close_frame(1001, ""));
  EXPECT_EQ(s.kind, Inbound::Kind::close);
  EXPECT_EQ(s.code, 1001);
  EXPECT_EQ(s.payload, "");
}

TEST(WebSocketClientFrame, CloseCodesAPeerMaySend) {
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    SCOPED_TRACE(code);
    Step s = decode_one(close_frame(static_cast<std::uint16_t>(code), "r"));
    ASSERT_TRUE(s.has_item);
    EXPECT_EQ(s.kind, Inbound::Kind::close);
    EXPECT_EQ(s.code, code);
    EXPECT_EQ(s.payload, "r");
  }
}

// --- ClientFrameDecoder: protocol violations -------------------------------------------

TEST(WebSocketClientFrame, CloseWithOneBytePayloadIsAViolation) {
  expect_violation(decode_one(close_frame(bytes({0x03}))), close_code::protocol_error);
}

TEST(WebSocketClientFrame, ReservedCloseCodesAreViolations) {
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    SCOPED_TRACE(code);
    expect_violation(decode_one(close_frame(static_cast<std::uint16_t>(code), "")),
                     close_code::protocol_error);
  }
}

TEST(WebSocketClientFrame, CloseReasonMustBeUtf8) {
  expect_violation(decode_one(close_frame(1000, "bad \xFF")), close_code::invalid_payload);
}

TEST(WebSocketClientFrame, UnmaskedFrameIsAViolation) {
  // RFC 6455 section 5.7: "A single-frame unmasked text message", as a server sends it.
  expect_violation(decode_one(bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'})),
                   close_code::protocol_error);
  ClientFrame f;
  f.opcode = 0x9;
  f.masked = false;
  expect_violation(decode_one(encode(f)), close_code::protocol_error);
}

TEST(WebSocketClientFrame, ReservedBitsAreAViolation) {
  for (std::uint8_t rsv = 1; rsv <= 7; ++rsv) {
    SCOPED_TRACE(int(rsv));
    ClientFrame f;
    f.payload = "x";
    f.rsv = rsv;
    expect_violation(decode_one(encode(f)), close_code::protocol_error);
  }
}

TEST(WebSocketClientFrame, UnknownOpcodesAreViolations) {
  for (std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    SCOPED_TRACE(int(opcode));
    expect_violation(decode_one(frame(opcode, "x")), close_code::protocol_error);
  }
}

TEST(WebSocketClientFrame, FragmentedControlFrameIsAViolation) {
  for (std::uint8_t opcode : {0x8, 0x9, 0xA}) {
    SCOPED_TRACE(int(opcode));
    expect_violation(decode_one(frame(opcode, "", false)), close_code::protocol_error);
  }
}

TEST(WebSocketClientFrame, ControlFrameOver125BytesIsAViolation) {
  for (std::uint8_t opcode : {0x8, 0x9, 0xA}) {
    SCOPED_TRACE(int(opcode));
    std::string payload = bytes({0x03, 0xE8}) + std::string(124, 'x');
    expect_violation(decode_one(frame(opcode, payload)), close_code::protocol_error);
  }
  // Refused on the header alone, before the payload arrives.
  ClientFrame f;
  f.opcode = 0x9;
  f.announced = 126;
  expect_violation(decode_one(encode(f)), close_code::protocol_error);
}

TEST(WebSocketClientFrame, ContinuationWithoutAMessageIsAViolation) {
  expect_violation(decode_one(continuation("orphan")), close_code::protocol_error);
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, continuation("orphan", false));
  ASSERT_EQ(steps.size(), 1u);
  expect_violation(steps[0], close_code::protocol_error);
}

TEST(WebSocketClientFrame, ContinuationAfterACompleteMessageIsAViolation) {
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps =
      drain(decoder, text("a", false) + continuation("b") + continuation("c"));
  ASSERT_EQ(steps.size(), 3u);
  expect_message(steps[1], "ab");
  expect_violation(steps[2], close_code::protocol_error);
}

TEST(WebSocketClientFrame, NewMessageInsideAFragmentedOneIsAViolation) {
  for (std::uint8_t opcode : {0x1, 0x2}) {
    for (bool fin : {true, false}) {
      SCOPED_TRACE(testing::Message() << "opcode " << int(opcode) << " fin " << fin);
      ClientFrameDecoder decoder(1024);
      std::vector<Step> steps = drain(decoder, text("Hel", false) + frame(opcode, "lo", fin));
      ASSERT_EQ(steps.size(), 2u);
      EXPECT_FALSE(steps[0].has_item);
      expect_violation(steps[1], close_code::protocol_error);
    }
  }
}

TEST(WebSocketClientFrame, FrameOverTheLimitIsRefusedOnItsHeader) {
  struct Case {
    std::size_t max;
    std::size_t header;  // with the mask key
  };
  for (const Case c : {Case{100, 6}, Case{1000, 8}, Case{70000, 14}}) {
    SCOPED_TRACE(c.max);
    ClientFrame f;
    f.announced = c.max + 1;
    std::string header = encode(f);  // no payload at all
    ASSERT_EQ(header.size(), c.header);
    ClientFrameDecoder decoder(c.max);
    // One byte short of the header: not yet decided.
    std::string partial = header.substr(0, c.header - 1);
    Step early = step(decoder, partial);
    EXPECT_FALSE(early.has_item);
    EXPECT_EQ(early.needed, c.header);
    EXPECT_FALSE(decoder.failed());
    expect_violation(step(decoder, header), close_code::message_too_big);
    EXPECT_TRUE(decoder.failed());
  }
}

TEST(WebSocketClientFrame, HugeAnnouncedLengthIsRefused) {
  for (std::uint64_t length : {std::uint64_t(1) << 32, std::uint64_t(1) << 62,
                               std::uint64_t(1) << 63, ~std::uint64_t(0)}) {
    SCOPED_TRACE(length);
    ClientFrame f;
    f.opcode = 0x2;
    f.announced = length;
    expect_violation(decode_one(encode(f), 1024), close_code::message_too_big);
  }
}

TEST(WebSocketClientFrame, MessageOfExactlyTheLimitIsAccepted) {
  expect_message(decode_one(text(std::string(100, 'm')), 100), std::string(100, 'm'));
  ClientFrameDecoder decoder(100);
  std::vector<Step> steps =
      drain(decoder, text(std::string(60, 'a'), false) + continuation(std::string(40, 'b')));
  ASSERT_EQ(steps.size(), 2u);
  expect_message(steps[1], std::string(60, 'a') + std::string(40, 'b'));
}

TEST(WebSocketClientFrame, FragmentsOverTheLimitAreRefused) {
  ClientFrameDecoder decoder(100);
  std::string third = continuation(std::string(31, 'c'));
  std::vector<Step> steps = drain(decoder, text(std::string(40, 'a'), false) +
                                               continuation(std::string(30, 'b'), false) + third);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_FALSE(steps[0].has_item);
  EXPECT_FALSE(steps[1].has_item);
  expect_violation(steps[2], close_code::message_too_big);

  // Refused on the third fragment's header, before its payload arrives.
  ClientFrameDecoder early(100);
  std::string input = text(std::string(40, 'a'), false) +
                      continuation(std::string(30, 'b'), false) + third.substr(0, 6);
  steps = drain(early, input);
  ASSERT_EQ(steps.size(), 3u);
  expect_violation(steps[2], close_code::message_too_big);
}

TEST(WebSocketClientFrame, LimitAppliesToEachMessageAfresh) {
  // A completed fragmented message must not count against the ones after it.
  ClientFrameDecoder decoder(100);
  std::vector<Step> steps =
      drain(decoder, text(std::string(60, 'a'), false) + continuation(std::string(40, 'b')) +
                         text(std::string(100, 'c')) + binary(std::string(50, 'd'), false) +
                         continuation(std::string(50, 'e')) + text(std::string(90, 'f')));
  ASSERT_GE(steps.size(), 3u);
  expect_message(steps[1], std::string(60, 'a') + std::string(40, 'b'));
  expect_message(steps[2], std::string(100, 'c'));
  ASSERT_EQ(steps.size(), 6u);
  expect_message(steps[4], std::string(50, 'd') + std::string(50, 'e'));
  expect_message(steps[5], std::string(90, 'f'));
  EXPECT_FALSE(decoder.failed());
}

TEST(WebSocketClientFrame, InvalidUtf8TextIsRefusedButTheSameBinaryIsNot) {
  const std::string invalid = bytes({'o', 'k', 0xC0, 0x80, 0xFF});
  expect_violation(decode_one(text(invalid)), close_code::invalid_payload);
  expect_message(decode_one(binary(invalid)), invalid);

  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, text("fine", false) + continuation(invalid));
  ASSERT_EQ(steps.size(), 2u);
  expect_violation(steps[1], close_code::invalid_payload);

  ClientFrameDecoder binary_decoder(1024);
  steps = drain(binary_decoder, binary("fine", false) + continuation(invalid));
  ASSERT_EQ(steps.size(), 2u);
  expect_message(steps[1], "fine" + invalid);
}

TEST(WebSocketClientFrame, TextCutInsideACharacterIsRefused) {
  expect_violation(decode_one(text("\xE2\x82")), close_code::invalid_payload);
  ClientFrameDecoder decoder(1024);
  std::vector<Step> steps = drain(decoder, text("\xE2", false) + continuation("\x82"));
  ASSERT_EQ(steps.size(), 2u);
  expect_violation(steps[1], close_code::invalid_payload);
}

TEST(WebSocketClientFrame, NothingAfterAViolation) {
  ClientFrameDecoder decoder(1024);
  EXPECT_FALSE(decoder.failed());
  std::string bad = frame(0x3, "x");
  expect_violation(step(decoder, bad), close_code::protocol_error);
  EXPECT_TRUE(decoder.failed());

  std::string good = text("hello");
  Step after = step(decoder, good);
  EXPECT_FALSE(after.has_item);
  EXPECT_EQ(after.consumed, 0u);
  EXPECT_TRUE(decoder.failed());
}

TEST(WebSocketClientFrame, NothingAfterAViolationInAMessage) {
  ClientFrameDecoder decoder(1024);
  std::string input = text("\xFF") + ping("p") + text("ok");
  Step s = step(decoder, input);
  expect_violation(s, close_code::invalid_payload);
  EXPECT_TRUE(decoder.failed());
  Step after = step(decoder, input, s.consumed);
  EXPECT_FALSE(after.has_item);
  EXPECT_EQ(after.consumed, 0u);
}

// --- is_valid_utf8 ------------------------------------------------------------------------

TEST(WebSocketUtf8, Ascii) {
  EXPECT_TRUE(is_valid_utf8(""));
  std::string ascii;
  for (int i = 0; i < 1000; ++i) {
    ascii.push_back(static_cast<char>(i % 128));
    ASSERT_TRUE(is_valid_utf8(ascii)) << "length " << ascii.size();
  }
}

TEST(WebSocketUtf8, AHighByteAnywhereInAsciiIsFound) {
  for (std::size_t length : {1, 7, 8, 9, 15, 16, 17, 40}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int bad : {0x80, 0xBF, 0xC0, 0xFF}) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(bad);
        EXPECT_FALSE(is_valid_utf8(s)) << "length " << length << " at " << at << " byte " << bad;
      }
    }
  }
}

TEST(WebSocketUtf8, ValidMultibyteSequences) {
  const char* valid[] = {
      "\xC2\x80",                                      // U+0080
      "\xDF\xBF",                                      // U+07FF
      "\xE0\xA0\x80",                                  // U+0800
      "\xE2\x82\xAC",                                  // U+20AC
      "\xED\x9F\xBF",                                  // U+D7FF, just below the surrogates
      "\xEE\x80\x80",                                  // U+E000, just above them
      "\xEF\xBF\xBF",                                  // U+FFFF
      "\xF0\x90\x80\x80",                              // U+10000
      "\xF0\x9F\x98\x80",                              // U+1F600
      "\xF4\x8F\xBF\xBF",                              // U+10FFFF
      "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5",  // "kosme" in Greek
  };
  for (const char* s : valid) EXPECT_TRUE(is_valid_utf8(s)) << testing::PrintToString(s);
}

TEST(WebSocketUtf8, Overlongs) {
  const char* overlong[] = {
      "\xC0\x80",     "\xC1\xBF",         "\xE0\x80\x80",
      "\xE0\x9F\xBF", "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",
  };
  for (const char* s : overlong) EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
}

TEST(WebSocketUtf8, Surrogates) {
  for (const char* s : {"\xED\xA0\x80", "\xED\xAF\xBF", "\xED\xB0\x80", "\xED\xBF\xBF"}) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(WebSocketUtf8, AboveTheLastCodePoint) {
  for (const char* s : {"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF",
                        "\xF8\x88\x80\x80\x80", "\xFE", "\xFF"}) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(WebSocketUtf8, TruncatedAtTheEnd) {
  for (const char* s : {"\xC2", "ab\xC2", "\xE2\x82", "ab\xE2", "ab\xE2\x82", "\xF0\x9F",
                        "ab\xF0\x9F\x98", "0123456789abcde\xF0\x9F\x98"}) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(WebSocketUtf8, TruncatedViewOfALongerBuffer) {
  // The bytes just past the view would complete the sequence: they must not be read.
  const std::string whole = "ab\xF0\x9F\x98\x80";
  for (std::size_t cut = 3; cut < whole.size(); ++cut) {
    EXPECT_FALSE(is_valid_utf8(std::string_view(whole).substr(0, cut))) << "cut at " << cut;
  }
  EXPECT_TRUE(is_valid_utf8(whole));
  const std::string two = "ab\xC3\xA9";
  EXPECT_FALSE(is_valid_utf8(std::string_view(two).substr(0, 3)));
}

TEST(WebSocketUtf8, BadContinuationBytes) {
  for (const char* s : {"\x80",
                        "a\xBF"
                        "b",
                        "\xC2\x80\x80",
                        "\xC2"
                        "a",
                        "\xE2\x28\xA1", "\xE2\x82\x28", "\xF0\x9F\x28\x80", "\xF0\x9F\x98\x28",
                        "\xE2\xC2\x80", "\xF0\x9F\x98\xF0\x9F\x98\x80"}) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(WebSocketUtf8, MultibyteAcrossTheEightByteBoundary) {
  const std::string sequences[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  for (const std::string& seq : sequences) {
    for (std::size_t at = 0; at < 20; ++at) {
      SCOPED_TRACE(testing::Message() << "at " << at << " length " << seq.size());
      std::string valid = std::string(at, 'a') + seq + std::string(20, 'b');
      EXPECT_TRUE(is_valid_utf8(valid));
      // The last byte of the sequence replaced by ASCII, which the fast path would accept.
      std::string cut = std::string(at, 'a') + seq.substr(0, seq.size() - 1) + std::string(20, 'b');
      EXPECT_FALSE(is_valid_utf8(cut));
      // Cut at the very end of the text.
      EXPECT_FALSE(is_valid_utf8(std::string(at, 'a') + seq.substr(0, seq.size() - 1)));
    }
  }
}

}  // namespace
}  // namespace chorus::websocket
