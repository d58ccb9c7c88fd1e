#include "transport/websocket_frame.hpp"

#include <algorithm>
#include <cstring>

namespace chorus::websocket {

namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t reserved_bits = 0x70;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::size_t max_control_payload = 125;
constexpr std::uint16_t no_status_received = 1005;

bool is_control(Opcode opcode) {
  return static_cast<std::uint8_t>(opcode) >= 0x8;
}

bool is_known(std::uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

// Codes a peer may send (RFC 6455 section 7.4): 1004-1006 and 1015 are reserved
// for local use, 1012-2999 are unassigned; 3000-4999 belong to libraries and apps.
bool is_sendable_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011);
}

std::uint64_t read_big_endian(const unsigned char* bytes, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

void unmask(char* payload, std::size_t size, const unsigned char* key) {
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
}

}  // namespace

std::size_t frame_header_size(std::uint64_t payload_bytes) {
  if (payload_bytes < 126) return 2;
  if (payload_bytes <= 0xFFFF) return 4;
  return 10;
}

std::size_t write_frame_header(char* header, Opcode opcode, std::uint64_t payload_bytes) {
  header[0] = static_cast<char>(fin_bit | static_cast<std::uint8_t>(opcode));
  std::size_t size = frame_header_size(payload_bytes);
  if (size == 2) {
    header[1] = static_cast<char>(payload_bytes);
  } else {
    header[1] = static_cast<char>(size == 4 ? 126 : 127);
    for (std::size_t i = 2; i < size; ++i) {
      header[i] = static_cast<char>(payload_bytes >> (8 * (size - 1 - i)));
    }
  }
  return size;
}

void append_frame_header(std::string& out, Opcode opcode, std::uint64_t payload_bytes) {
  char header[max_frame_header];
  out.append(header, write_frame_header(header, opcode, payload_bytes));
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
  if (is_control(opcode)) payload = payload.substr(0, max_control_payload);
  append_frame_header(out, opcode, payload.size());
  out.append(payload);
}

void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason) {
  // The reason must leave room for the code within a control frame's 125 bytes.
  reason = reason.substr(0, max_control_payload - 2);
  append_frame_header(out, Opcode::close, reason.size() + 2);
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
}

std::optional<Inbound> ClientFrameDecoder::violation(std::uint16_t code, std::string_view rule) {
  failed_ = true;
  Inbound item;
  item.kind = Inbound::Kind::violation;
  item.code = code;
  item.rule = rule;
  return item;
}

std::optional<Inbound> ClientFrameDecoder::next(char* bytes, std::size_t size,
                                                std::size_t& consumed, std::size_t& needed) {
  consumed = 0;
  needed = 2;
  if (failed_ || size < 2) return std::nullopt;
  auto* head = reinterpret_cast<const unsigned char*>(bytes);
  bool fin = (head[0] & fin_bit) != 0;
  std::uint8_t code = head[0] & opcode_bits;
  if ((head[0] & reserved_bits) != 0) {
    return violation(close_code::protocol_error, "reserved bits set without an extension");
  }
  if (!is_known(code)) return violation(close_code::protocol_error, "unknown opcode");
  if ((head[1] & mask_bit) == 0) {
    return violation(close_code::protocol_error, "client frames must be masked");
  }
  auto opcode = static_cast<Opcode>(code);
  std::uint64_t length = head[1] & 0x7F;
  std::size_t length_bytes = length == 126 ? 2 : length == 127 ? 8 : 0;
  needed = 2 + length_bytes + 4;
  if (size < needed) return std::nullopt;
  if (length_bytes) length = read_big_endian(head + 2, length_bytes);
  if (is_control(opcode) && (!fin || length > max_control_payload)) {
    return violation(close_code::protocol_error,
                     "control frames must be final and at most 125 bytes");
  }
  // Checked before the payload arrives: a peer cannot make the server hold more. Only a
  // continuation adds to what is held; fragments_ keeps the last message's bytes after it.
  std::size_t held = opcode == Opcode::continuation && fragmented_ ? fragments_.size() : 0;
  if (!is_control(opcode) && length > max_message_ - std::min(max_message_, held)) {
    return violation(close_code::message_too_big, "message over the inbound size limit");
  }
  const unsigned char* key = head + 2 + length_bytes;
  needed += static_cast<std::size_t>(length);
  if (size < needed) return std::nullopt;
  char* payload = bytes + 2 + length_bytes + 4;
  unmask(payload, static_cast<std::size_t>(length), key);
  consumed = needed;
  std::string_view body(payload, static_cast<std::size_t>(length));

  Inbound item;
  switch (opcode) {
    case Opcode::ping:
      item.kind = Inbound::Kind::ping;
      item.payload = body;
      return item;
    case Opcode::pong:
      item.kind = Inbound::Kind::pong;
      item.payload = body;
      return item;
    case Opcode::close:
      item.kind = Inbound::Kind::close;
      if (body.empty()) {
        item.code = no_status_received;
        return item;
      }
      if (body.size() == 1)
        return violation(close_code::protocol_error, "a close code has 2 bytes");
      item.code = static_cast<std::uint16_t>(
          read_big_endian(reinterpret_cast<const unsigned char*>(payload), 2));
      if (!is_sendable_close_code(item.code)) {
        return violation(close_code::protocol_error, "invalid close code");
      }
      item.payload = body.substr(2);
      if (!is_valid_utf8(item.payload)) {
        return violation(close_code::invalid_payload, "close reason is not UTF-8");
      }
      return item;
    default:
      return on_data(opcode, fin, body);
  }
}

std::optional<Inbound> ClientFrameDecoder::on_data(Opcode opcode, bool fin,
                                                   std::string_view payload) {
  if (opcode == Opcode::continuation) {
    if (!fragmented_) return violation(close_code::protocol_error, "continuation of no message");
    fragments_.append(payload);
  } else {
    if (fragmented_) {
      return violation(close_code::protocol_error, "a message began inside another");
    }
    if (!fin) {
      fragmented_ = opcode;
      fragments_.assign(payload);
    }
  }
  if (!fin) return std::nullopt;  // the caller consumes the fragment and reads on
  Opcode message_opcode = opcode;
  if (opcode == Opcode::continuation) {
    message_opcode = *fragmented_;
    payload = fragments_;
    fragmented_.reset();
  }
  if (message_opcode == Opcode::text && !is_valid_utf8(payload)) {
    return violation(close_code::invalid_payload, "text message is not UTF-8");
  }
  Inbound item;
  item.kind = Inbound::Kind::message;
  item.payload = payload;
  return item;
}

}  // namespace chorus::websocket
