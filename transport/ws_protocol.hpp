#pragma once
// The gateway's wire protocol, without sockets.
// Client:  {"type":"subscribe","topics":[...]} | {"type":"unsubscribe","topics":[...]}
// Server:  {"type":"subscribed"|"unsubscribed","topics":[...]}
//          {"type":"error","error":"<code>","message":"..."}
//          {"type":"<event type>","seq":<n>,"data":{<snapshot>}}
//          {"type":"events_dropped","seq":<n>,"data":{"count":<k>}}

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"
#include "model/topic.hpp"

namespace chorus {

struct WsRequest {
  enum class Kind { subscribe, unsubscribe } kind = Kind::subscribe;
  std::vector<Topic> topics;
  std::vector<std::string> names;  // the topics as the client wrote them
};

// Parses a client message; topics must belong to `customer_id`.
Result<WsRequest> parse_ws_request(std::string_view text, const Uuid& customer_id);

std::string ws_ack(const WsRequest& request);
std::string ws_error(std::string_view code, std::string_view message);
// A whole WebSocket text frame carrying an event, appended to `out`: the
// snapshot JSON (serialised once per event, shared by every connection) is
// copied in between this connection's own type/seq prefix and the closing "}".
void append_event_frame(std::string& out, std::string_view type, std::uint64_t seq,
                        std::string_view data_json);
// The same frame in three parts, so that the snapshot need not be copied: the head
// (frame header, type and seq), then the `data_bytes` of snapshot JSON, then
// event_frame_tail.
void append_event_frame_head(std::string& out, std::string_view type, std::uint64_t seq,
                             std::size_t data_bytes);
inline constexpr std::string_view event_frame_tail = "}";
void append_events_dropped_frame(std::string& out, std::uint64_t seq, std::uint64_t count);

}  // namespace chorus
