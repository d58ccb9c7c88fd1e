#pragma once
// One WebSocket connection of the event gateway. The event bus delivers into a
// bounded queue from engine threads (never waiting on the socket); the session's
// strand writes one frame at a time, each event's snapshot JSON shared, not copied.

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/event_bus.hpp"
#include "transport/http_server.hpp"
#include "transport/ws_gateway.hpp"

namespace chorus {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, EventBus& bus, const Uuid& customer_id,
            const WsLimits& limits, std::shared_ptr<std::atomic<std::size_t>> connections);
  ~WsSession();

  void start(HttpRequest request);

 private:
  class Sink;
  using Clock = std::chrono::steady_clock;

  void on_accept(boost::beast::error_code ec);
  void read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_message(std::string_view text);

  // From any thread: queue an event (dropping the oldest when full).
  void deliver(const EventPtr& event);
  // Strand only: queue a reply, start writing if idle.
  void reply(std::string text);
  void kick();
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void close(boost::beast::websocket::close_code code, std::string reason);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  EventBus& bus_;
  Uuid customer_id_;
  WsLimits limits_;
  std::shared_ptr<std::atomic<std::size_t>> connections_;
  std::shared_ptr<Sink> sink_;
  EventBus::SubscriptionId subscription_ = 0;
  std::vector<Topic> topics_;  // held, each once (strand only)

  // Shared with deliver(), under mutex_.
  std::mutex mutex_;
  std::deque<EventPtr> events_;
  std::uint64_t dropped_ = 0;
  std::optional<Clock::time_point> full_since_;
  bool writing_ = false;
  bool close_requested_ = false;  // too slow: close with 1008
  bool closing_ = false;          // no more writes

  // Strand only.
  std::deque<std::string> replies_;
  std::uint64_t seq_ = 0;
  std::string frame_head_;   // the current frame's own part
  EventPtr frame_event_;     // the current frame's shared snapshot, kept alive
};

}  // namespace chorus
