#include "transport/ws_session.hpp"

#include <algorithm>
#include <array>

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "transport/ws_protocol.hpp"

namespace chorus {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

// The bus's handle on a session: it must not keep a closed session alive, and may
// be called after the session is gone.
class WsSession::Sink final : public EventSink {
 public:
  explicit Sink(std::weak_ptr<WsSession> session) : session_(std::move(session)) {}
  void deliver(const EventPtr& event) override {
    if (auto session = session_.lock()) session->deliver(event);
  }

 private:
  std::weak_ptr<WsSession> session_;
};

WsSession::WsSession(beast::tcp_stream stream, EventBus& bus, const Uuid& customer_id,
                     const WsLimits& limits, std::shared_ptr<std::atomic<std::size_t>> connections)
    : ws_(std::move(stream)),
      bus_(bus),
      customer_id_(customer_id),
      limits_(limits),
      connections_(std::move(connections)) {}

WsSession::~WsSession() {
  // The last owner may be an engine thread inside EventBus::publish (its Sink had
  // just locked this session), which holds the bus's lock: closing the
  // subscription right here would deadlock. The I/O executor closes it instead.
  if (subscription_) {
    net::post(ws_.get_executor(), [bus = &bus_, id = subscription_] { bus->close(id); });
  }
  --*connections_;
}

void WsSession::start(HttpRequest request) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket keeps its own timeouts
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  // Beast pings after half the idle timeout and closes a peer that stays silent.
  timeouts.idle_timeout = limits_.ping_interval * 2;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(limits_.max_message_bytes);
  ws_.text(true);
  sink_ = std::make_shared<Sink>(weak_from_this());
  subscription_ = bus_.open(sink_);
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return spdlog::debug("ws: handshake failed: {}", ec.message());
  read();
}

void WsSession::read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      spdlog::debug("ws: inbound message over {} bytes; closed", limits_.max_message_bytes);
    }
    std::lock_guard<std::mutex> guard(mutex_);
    closing_ = true;
    return;
  }
  auto data = buffer_.cdata();
  on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  read();
}

void WsSession::on_message(std::string_view text) {
  auto request = parse_ws_request(text, customer_id_);
  if (!request) return reply(ws_error(to_string(request.error().code), request.error().message));
  auto held = [this](const Topic& t) {
    return std::find(topics_.begin(), topics_.end(), t) != topics_.end();
  };
  if (request->kind == WsRequest::Kind::subscribe) {
    // The limit counts distinct topics held: one already held adds nothing.
    std::vector<Topic> added;
    for (auto& t : request->topics) {
      if (!held(t) && std::find(added.begin(), added.end(), t) == added.end()) added.push_back(t);
    }
    if (topics_.size() + added.size() > limits_.max_topics) {
      return reply(ws_error("limit_exceeded", "topics: at most " +
                                                  std::to_string(limits_.max_topics) +
                                                  " topics per connection"));
    }
    topics_.insert(topics_.end(), added.begin(), added.end());
    bus_.add_topics(subscription_, request->topics);
  } else {
    // Only topics actually held free room; others never counted.
    for (auto& t : request->topics) {
      topics_.erase(std::remove(topics_.begin(), topics_.end(), t), topics_.end());
    }
    bus_.remove_topics(subscription_, request->topics);
  }
  reply(ws_ack(*request));
}

void WsSession::deliver(const EventPtr& event) {
  bool start = false, too_long = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (closing_ || close_requested_) return;
    if (events_.size() >= limits_.queue_events) {
      // Full: the oldest undelivered event makes room; the consumer is told.
      events_.pop_front();
      ++dropped_;
      auto now = Clock::now();
      if (!full_since_) full_since_ = now;
      too_long = now - *full_since_ > limits_.full_timeout;
    }
    events_.push_back(event);
    // Full for too long: the writer closes the connection when it next runs (a
    // close is a write, and only one write may be under way).
    if (too_long) close_requested_ = true;
    if (!writing_) start = writing_ = true;
  }
  if (start) net::post(ws_.get_executor(), [self = shared_from_this()] { self->write_next(); });
}

void WsSession::reply(std::string text) {
  replies_.push_back(std::move(text));
  kick();
}

void WsSession::kick() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (writing_) return;
    writing_ = true;
  }
  write_next();
}

// One frame at a time: replies first, then a note of dropped events, then events.
void WsSession::write_next() {
  frame_event_.reset();
  if (!replies_.empty()) {
    frame_head_ = std::move(replies_.front());
    replies_.pop_front();
  } else {
    std::lock_guard<std::mutex> guard(mutex_);
    if (close_requested_ && !closing_) {
      closing_ = true;
      events_.clear();
      return close(websocket::close_code::policy_error, "consumer too slow");
    }
    if (closing_) {
      writing_ = false;
      return;
    }
    if (dropped_ > 0) {
      frame_head_ = ws_events_dropped(++seq_, dropped_);
      dropped_ = 0;
    } else if (!events_.empty()) {
      frame_event_ = std::move(events_.front());
      events_.pop_front();
      if (events_.size() < limits_.queue_events) full_since_.reset();
    } else {
      writing_ = false;
      return;
    }
  }
  if (!frame_event_) {
    return ws_.async_write(net::buffer(frame_head_),
                           beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
  }
  frame_head_ = ws_event_prefix(to_string(frame_event_->type()), ++seq_);
  auto& data = frame_event_->data_json();  // serialised once, shared by every connection
  static constexpr char tail[] = "}";
  std::array<net::const_buffer, 3> frame{net::buffer(frame_head_), net::buffer(data),
                                         net::buffer(tail, 1)};
  ws_.async_write(frame, beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    std::lock_guard<std::mutex> guard(mutex_);
    closing_ = true;
    writing_ = false;
    return;
  }
  write_next();
}

void WsSession::close(websocket::close_code code, std::string reason) {
  ws_.async_close(websocket::close_reason(code, reason),
                  [self = shared_from_this()](beast::error_code) {});
}

}  // namespace chorus
