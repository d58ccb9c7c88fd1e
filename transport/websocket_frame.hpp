#pragma once
// The WebSocket wire format (RFC 6455 section 5), without sockets: server frames
// written straight into an output buffer, so that many frames leave in one write,
// and client frames decoded into messages and control frames.
//
// The gateway frames its own traffic after the handshake rather than going through
// Beast's websocket::stream, whose writes carry one message each: a subscriber of a
// busy customer is sent hundreds of events per wake-up, and one system call per
// event would cost more than everything else the server does for it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/utf8.hpp"

namespace chorus::websocket {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close status codes (RFC 6455 section 7.4.1) the gateway sends.
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t message_too_big = 1009;
}  // namespace close_code

// A server frame's header: FIN set, unmasked (servers never mask); at most
// max_frame_header bytes, which write_frame_header() writes at `header`,
// returning how many.
constexpr std::size_t max_frame_header = 10;
std::size_t frame_header_size(std::uint64_t payload_bytes);
std::size_t write_frame_header(char* header, Opcode opcode, std::uint64_t payload_bytes);
void append_frame_header(std::string& out, Opcode opcode, std::uint64_t payload_bytes);
// A whole frame; control payloads are cut to the 125 bytes a control frame allows.
void append_frame(std::string& out, Opcode opcode, std::string_view payload);
void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason);

// What a client sent, one item at a time.
struct Inbound {
  enum class Kind {
    message,  // a whole text or binary message, reassembled from its fragments
    ping,     // to be answered with a pong carrying the same payload
    pong,
    close,      // the peer's close; `code` is 1005 when it gave none
    violation,  // the peer broke the protocol or a limit: close with `code`
  };
  Kind kind = Kind::message;
  std::string_view payload;  // valid until the next call to the decoder
  std::uint16_t code = 0;
  std::string_view rule;  // for a violation: what was broken
};

// Decodes client frames: each must be masked, carry no reserved bits (no extension
// is negotiated), use a known opcode, and, for control frames, be final and at most
// 125 bytes. Data frames are reassembled into messages of at most `max_message`
// bytes, and text messages must be valid UTF-8.
class ClientFrameDecoder {
 public:
  explicit ClientFrameDecoder(std::size_t max_message) : max_message_(max_message) {}

  // The next item at the front of `bytes`, unmasking the payload in place.
  // `consumed` is how many bytes the caller may discard once it is done with the
  // item. nullopt with `consumed` > 0: a fragment was taken in, call again;
  // nullopt with `consumed` == 0: the frame is incomplete, and `needed` says how
  // many bytes it takes in all (so that the read buffer can grow to hold it).
  std::optional<Inbound> next(char* bytes, std::size_t size, std::size_t& consumed,
                              std::size_t& needed);
  // After a violation the decoder yields nothing more.
  bool failed() const noexcept { return failed_; }

 private:
  std::optional<Inbound> violation(std::uint16_t code, std::string_view rule);
  std::optional<Inbound> on_data(Opcode opcode, bool fin, std::string_view payload);

  std::size_t max_message_;
  std::string fragments_;             // the message being reassembled
  std::optional<Opcode> fragmented_;  // its opcode, while one is under way
  bool failed_ = false;
};

// Text messages are checked with the model's one UTF-8 validator.
using chorus::is_valid_utf8;

}  // namespace chorus::websocket
