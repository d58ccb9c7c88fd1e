#pragma once
// One WebSocket connection of the event gateway, framed by the gateway itself
// after the handshake (see websocket_frame.hpp for why).
//
// Its feed (ws_feed.hpp: its customer's events on its wake-up list) offers it each
// round's events on the list's strand; it keeps those its topics match in a
// bounded queue and writes everything queued (control frames and replies first,
// then events, each event's shared snapshot JSON gathered from the event itself,
// not copied: ws_write_batch.hpp) in a single write. Everything it does runs on
// that strand. A consumer that
// falls behind loses its oldest events and is told how many; one that stays full
// too long is closed with 1008; one that answers no ping within an interval is
// closed. At shutdown each is flushed for a bounded time, told what could not be
// sent, and closed with 1001.

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "config/websocket_options.hpp"
#include "model/event.hpp"
#include "model/topic.hpp"
#include "transport/http_server.hpp"
#include "transport/websocket_frame.hpp"
#include "transport/ws_feed.hpp"
#include "transport/ws_metrics.hpp"

namespace chorus {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  // `socket` runs on the strand of `feed`'s wake-up list, and so does everything
  // the session does. `already_read`: bytes the HTTP session read past the
  // upgrade request.
  WsSession(boost::asio::ip::tcp::socket socket, std::string_view already_read,
            const Uuid& customer_id, const WsLimits& limits, std::shared_ptr<WsMetrics> metrics,
            std::shared_ptr<WsFeed> feed);
  ~WsSession();

  // On the strand: answers the upgrade with 101 (carrying `request_id` as its
  // X-Request-Id) and starts reading and pinging.
  void start(const HttpRequest& request, std::string_view request_id);
  // In its feed's round: queues the events its topics match, and writes. `lost`
  // events of its customer fell out of the feed before this round: it is told.
  // `events` are the feed's numbers `first_number`, `first_number` + 1, ...: those
  // this session was offered already (in a round it was late in, ws_feed.hpp) are
  // skipped.
  void offer(const std::vector<EventPtr>& events, std::uint64_t first_number, std::uint64_t lost);
  // Whether the connection has ended (its feed forgets it).
  bool ended() const noexcept { return closing_ == Closing::done; }
  // From any thread, at shutdown, once the engine's last events are queued: sends
  // what is queued for up to limits.shutdown_flush, an events_dropped note for
  // what it could not, then a 1001 close, and ends the connection at the latest
  // shutdown_close_wait later. `ended` is let go of when the connection has ended.
  void go_away(std::shared_ptr<void> ended);

  // How long a peer may take to answer our 1001 close, or to take the note and
  // close that a stuck write holds back.
  static constexpr std::chrono::milliseconds shutdown_close_wait{1000};

 private:
  using Clock = std::chrono::steady_clock;
  using error_code = boost::beast::error_code;
  // The closing handshake, server side (RFC 6455 section 7).
  enum class Closing { open, close_queued, close_sent, done };

  // Reading (strand).
  void read();
  void on_read(error_code ec, std::size_t bytes);
  void on_inbound(const websocket::Inbound& item);
  void on_message(std::string_view text);
  void reply(std::string_view text);
  // Queues a control frame or reply to go out before any event.
  void send(websocket::Opcode opcode, std::string_view payload);

  // Writing.
  bool wanted(const Event& event) const;
  // Queues an event; when full, the oldest queued goes (the peer is told).
  void queue(const EventPtr& event);
  void flush();
  // Frames what is waiting into `out` (control frames and replies, then a batch of
  // events while open, then our close frame if due); how many frames.
  std::size_t frame_waiting(std::string& out);
  // Frames a batch of queued events into `out`; how many frames it added.
  std::size_t take_events(std::string& out);
  void on_write(error_code ec, std::size_t bytes);
  // After a whole write: whether to flush again (false once closing or closed).
  bool written(error_code ec);

  // Ending.
  void begin_close(std::uint16_t code, std::string_view reason);
  // begin_close() without the flush, for flush() itself (via take_events()): our
  // close frame goes out after what is being framed. False if closing already.
  bool queue_close(std::uint16_t code, std::string_view reason);
  void arm_deadline(std::chrono::milliseconds after);
  void shut();
  void keepalive();

  // Going away (shutdown).
  void on_go_away(std::shared_ptr<void> ended);
  void arm_shutdown_timer(std::chrono::milliseconds after);
  void on_shutdown_timer();
  // The flush time is up: what is still queued is reported as dropped.
  void give_up_queue();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer keepalive_timer_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer shutdown_timer_;
  Uuid customer_id_;
  WsLimits limits_;
  std::shared_ptr<WsMetrics> metrics_;  // holds this connection's slot
  std::shared_ptr<WsFeed> feed_;

  // The queue of events to send.
  std::deque<EventPtr> events_;
  // In offer(), while nothing is queued: the round's events, framed from here up
  // to offered_next_.
  const std::vector<EventPtr>* offered_ = nullptr;
  std::size_t offered_next_ = 0;
  std::uint64_t next_offered_ = 0;  // the feed's number of the next event unseen
  std::uint64_t dropped_ = 0;
  std::optional<Clock::time_point> full_since_;
  bool too_slow_ = false;  // full for too long: to be closed with 1008
  bool accepting_ = true;  // false once closing

  std::vector<Topic> topics_;  // held, each once
  std::vector<char> in_;       // bytes read, not yet decoded
  std::size_t in_size_ = 0;
  std::size_t in_needed_ = 0;  // what the frame in progress takes in all
  websocket::ClientFrameDecoder decoder_;
  std::string pending_;  // framed control frames and replies, sent first
  std::size_t pending_frames_ = 0;
  std::string unsent_;  // what the socket did not take at once, being written
  bool writing_ = false;
  Closing closing_ = Closing::open;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
  bool peer_closed_ = false;  // its close frame arrived: ours answers it
  bool deadline_armed_ = false;
  bool heard_ = true;    // anything read since the last ping
  bool pinged_ = false;  // a ping went out at the last keep-alive tick
  std::uint64_t seq_ = 0;
  bool going_away_ = false;      // shutting down: close with 1001 once the queue is sent
  bool flush_over_ = false;      // the shutdown's flush time is up
  bool shutdown_armed_ = false;  // shutdown_timer_ is waiting
  std::shared_ptr<void> ended_;  // the shutdown's token, let go of in shut()
};

}  // namespace chorus
