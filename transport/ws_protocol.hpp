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
// The part of an event frame before its shared snapshot JSON; the frame ends "}".
std::string ws_event_prefix(std::string_view type, std::uint64_t seq);
std::string ws_events_dropped(std::uint64_t seq, std::uint64_t count);

}  // namespace chorus
