#include "transport/ws_session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "transport/websocket_handshake.hpp"
#include "transport/ws_protocol.hpp"

namespace chorus {

namespace net = boost::asio;
namespace ws = websocket;

namespace {

// One write carries at most about this much of the event queue: large enough that
// a busy connection costs one system call per hundred or so events, small enough
// that a thousand busy connections do not each hold megabytes.
constexpr std::size_t batch_bytes = 128 * 1024;
// An idle connection keeps no larger buffer than this.
constexpr std::size_t idle_buffer_bytes = 16 * 1024;
// Nor does a wake-up list's write buffer, after a write of replies or a close.
constexpr std::size_t write_buffer_bytes = 2 * batch_bytes;
// Control frames and replies a peer can make the server queue without reading
// them; past this it is flooding, and is dropped.
constexpr std::size_t max_pending_bytes = 1024 * 1024;
constexpr std::size_t min_read_room = 1024;
// How long either side's close frame may take to be answered.
constexpr std::chrono::milliseconds close_timeout{5000};

// Empties `buffer`, and frees it if it grew past `keep` bytes.
void release(std::string& buffer, std::size_t keep) {
  buffer.clear();
  if (buffer.capacity() > keep) std::string().swap(buffer);
}

// Writes what the socket takes now, without waiting: the bytes written, or 0 with
// `ec` set (would_block when it takes nothing).
std::size_t send_now(int fd, std::string_view bytes, boost::beast::error_code& ec) {
  ssize_t sent;
  do {
    sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    ec.assign(errno, boost::system::system_category());
    return 0;
  }
  ec.clear();
  return static_cast<std::size_t>(sent);
}

}  // namespace

WsSession::WsSession(net::ip::tcp::socket socket, std::string_view already_read,
                     const Uuid& customer_id, const WsLimits& limits,
                     std::shared_ptr<WsMetrics> metrics, std::shared_ptr<WsFeed> feed)
    : socket_(std::move(socket)),
      keepalive_timer_(socket_.get_executor()),
      deadline_timer_(socket_.get_executor()),
      shutdown_timer_(socket_.get_executor()),
      customer_id_(customer_id),
      limits_(limits),
      metrics_(std::move(metrics)),
      feed_(std::move(feed)),
      in_(std::max<std::size_t>(4096, already_read.size() + min_read_room)),
      decoder_(limits.max_message_bytes) {
  std::memcpy(in_.data(), already_read.data(), already_read.size());
  in_size_ = already_read.size();
}

WsSession::~WsSession() {
  --metrics_->connections;
}

void WsSession::start(const HttpRequest& request, std::string_view request_id) {
  error_code ignored;
  socket_.set_option(net::ip::tcp::no_delay(true), ignored);
  // flush() writes at once, and only what the socket does not take waits for it.
  socket_.non_blocking(true, ignored);
  feed_->attach(weak_from_this());
  pending_ = ws::switching_protocols_response(request, request_id);
  flush();
  keepalive();
  // Bytes that came with the upgrade request are decoded before reading on.
  on_read({}, 0);
}

// --- Reading -----------------------------------------------------------------

void WsSession::read() {
  // Room for the frame in progress, which the decoder has capped at the limit.
  std::size_t want = std::max(in_needed_, in_size_ + min_read_room);
  if (in_.size() < want) in_.resize(std::max(want, std::min(in_.size() * 2, want + batch_bytes)));
  socket_.async_read_some(
      net::buffer(in_.data() + in_size_, in_.size() - in_size_),
      boost::beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(error_code ec, std::size_t bytes) {
  if (closing_ == Closing::done) return;
  if (ec) return shut();  // the peer went away (or the socket was shut)
  if (bytes) heard_ = true;
  in_size_ += bytes;
  std::size_t used = 0;
  while (closing_ != Closing::done && !decoder_.failed()) {
    std::size_t consumed = 0;
    auto item = decoder_.next(in_.data() + used, in_size_ - used, consumed, in_needed_);
    used += consumed;
    if (item) {
      on_inbound(*item);
    } else if (consumed == 0) {
      break;
    }
  }
  // After a violation nothing more is decoded: the rest is read and dropped until
  // the peer closes.
  if (decoder_.failed()) used = in_size_;
  std::memmove(in_.data(), in_.data() + used, in_size_ - used);
  in_size_ -= used;
  // A large message once does not make a large buffer for good.
  if (in_size_ == 0 && in_.size() > idle_buffer_bytes) std::vector<char>(4096).swap(in_);
  if (closing_ != Closing::done) read();
}

void WsSession::on_inbound(const ws::Inbound& item) {
  using Kind = ws::Inbound::Kind;
  switch (item.kind) {
    case Kind::message:
      if (closing_ == Closing::open) on_message(item.payload);
      return;
    case Kind::ping:
      if (closing_ == Closing::open) send(ws::Opcode::pong, item.payload);
      return;
    case Kind::pong:
      return;  // being heard from is what counts (heard_)
    case Kind::close:
      peer_closed_ = true;
      if (closing_ == Closing::close_sent) return shut();  // the handshake is complete
      // 1005 means "no code": the answer then carries none either (a plain 1000).
      return begin_close(item.code == 1005 ? ws::close_code::normal : item.code, {});
    case Kind::violation:
      spdlog::debug("ws: closing a connection ({}): {}", item.code, item.rule);
      metrics_->count_close(item.code == ws::close_code::message_too_big
                                ? WsMetrics::Close::message_too_big
                                : WsMetrics::Close::protocol_error);
      return begin_close(item.code, item.rule);
  }
}

void WsSession::on_message(std::string_view text) {
  auto request = parse_ws_request(text, customer_id_);
  if (!request) return reply(ws_error(to_string(request.error().code), request.error().message));
  auto held = [this](const Topic& t) {
    return std::find(topics_.begin(), topics_.end(), t) != topics_.end();
  };
  bool had_topics = !topics_.empty();
  if (request->kind == WsRequest::Kind::subscribe) {
    // The limit counts distinct topics held: one already held adds nothing.
    std::vector<Topic> added;
    for (auto& t : request->topics) {
      if (!held(t) && std::find(added.begin(), added.end(), t) == added.end()) added.push_back(t);
    }
    if (topics_.size() + added.size() > limits_.max_topics) {
      return reply(ws_error(
          "limit_exceeded",
          "topics: at most " + std::to_string(limits_.max_topics) + " topics per connection"));
    }
    topics_.insert(topics_.end(), added.begin(), added.end());
  } else {
    // Only topics actually held free room; others never counted.
    for (auto& t : request->topics) {
      topics_.erase(std::remove(topics_.begin(), topics_.end(), t), topics_.end());
    }
  }
  if (had_topics != !topics_.empty()) feed_->topics_held(!had_topics);
  reply(ws_ack(*request));
}

void WsSession::reply(std::string_view text) {
  send(ws::Opcode::text, text);
}

void WsSession::send(ws::Opcode opcode, std::string_view payload) {
  if (pending_.size() > max_pending_bytes) {
    // It keeps asking (or pinging) and never reads the answers.
    spdlog::debug("ws: a peer that does not read its replies was dropped");
    metrics_->count_close(WsMetrics::Close::flooding);
    return shut();
  }
  ws::append_frame(pending_, opcode, payload);
  ++pending_frames_;
  flush();
}

// --- Writing -----------------------------------------------------------------

void WsSession::offer(const std::vector<EventPtr>& events, std::uint64_t first_number,
                      std::uint64_t lost) {
  std::size_t first = std::min<std::uint64_t>(
      next_offered_ > first_number ? next_offered_ - first_number : 0, events.size());
  next_offered_ = first_number + events.size();
  if (!accepting_ || topics_.empty()) return;
  bool queued = lost > 0;
  if (lost > 0) {
    dropped_ += lost;
    metrics_->events_dropped.fetch_add(lost, std::memory_order_relaxed);
  }
  if (first == events.size() && lost == 0 && !too_slow_) return;
  if (events_.empty() && !writing_) {
    // Nothing waits before them: they are framed straight from the round's list,
    // neither queued nor referenced (the common case, and half the cost of the
    // rest). Only what this write cannot take is queued below.
    offered_ = &events;
    offered_next_ = first;
    flush();
    first = std::exchange(offered_next_, 0);
    offered_ = nullptr;
    queued = false;
  }
  for (auto i = first; i < events.size() && accepting_; ++i) {
    if (!wanted(*events[i])) continue;
    queue(events[i]);
    queued = true;
  }
  if (queued || too_slow_) flush();
}

bool WsSession::wanted(const Event& event) const {
  return std::any_of(topics_.begin(), topics_.end(),
                     [&event](const Topic& t) { return t.matches(event); });
}

void WsSession::queue(const EventPtr& event) {
  if (events_.size() >= limits_.queue_events) {
    // Full: the oldest undelivered event makes room; the consumer is told.
    events_.pop_front();
    ++dropped_;
    metrics_->events_dropped.fetch_add(1, std::memory_order_relaxed);
    auto now = Clock::now();
    if (!full_since_) full_since_ = now;
    if (now - *full_since_ > limits_.full_timeout) {
      // Full for too long: flush() closes it with 1008, or drops it if the write
      // under way never ends. Counted here, where it is decided, so that both
      // endings count (accepting_ makes this happen once).
      too_slow_ = true;
      metrics_->count_close(WsMetrics::Close::too_slow);
      accepting_ = false;
      events_.clear();
      return;
    }
  }
  events_.push_back(event);
}

// Writes whatever is waiting, a batch at a time, each in one write, framed in the
// list's write buffer. The socket usually takes a whole batch at once: then no
// handler runs after it (a post and often a wake-up of another thread saved per
// connection and round), and the connection holds no buffer of its own; what the
// socket does not take is kept and goes out asynchronously.
void WsSession::flush() {
  while (closing_ != Closing::done) {
    if (writing_) {
      // A write that cannot finish keeps a 1008 close from going out: give it as long
      // as the queue was given, then drop the connection.
      if (too_slow_) arm_deadline(limits_.full_timeout);
      return;
    }
    auto& out = feed_->write_buffer();
    out.clear();
    std::size_t frames = frame_waiting(out);
    if (out.empty()) return;
    metrics_->writes.fetch_add(1, std::memory_order_relaxed);
    metrics_->frames_sent.fetch_add(frames, std::memory_order_relaxed);
    metrics_->bytes_sent.fetch_add(out.size(), std::memory_order_relaxed);
    error_code ec;
    std::size_t sent = send_now(socket_.native_handle(), out, ec);
    if (!ec && sent < out.size()) {
      unsent_.assign(out, sent, std::string::npos);
      release(out, write_buffer_bytes);
      writing_ = true;
      net::async_write(socket_, net::buffer(unsent_),
                       boost::beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
      return;
    }
    release(out, write_buffer_bytes);
    if (!written(ec)) return;
  }
}

// Control frames and replies, then, while open, a batch of events, then our close
// frame if one is due.
std::size_t WsSession::frame_waiting(std::string& out) {
  out.append(pending_);
  release(pending_, idle_buffer_bytes);
  std::size_t frames = std::exchange(pending_frames_, 0);
  if (closing_ == Closing::open) frames += take_events(out);
  if (closing_ == Closing::close_queued) {
    ws::append_close_frame(out, close_code_, close_reason_);
    closing_ = Closing::close_sent;
    ++frames;
  }
  return frames;
}

// Frames a batch from the queue, then from the events offered this round.
std::size_t WsSession::take_events(std::string& out) {
  std::uint64_t dropped = std::exchange(dropped_, 0);
  // Dropped events were the oldest: the note takes their place, before the rest.
  if (dropped > 0) append_events_dropped_frame(out, ++seq_, dropped);
  std::size_t frames = dropped > 0 ? 1 : 0;
  std::size_t bytes = 0;
  auto frame = [&](const Event& event) {
    auto& data = event.data_json();
    bytes += data.size() + 64;
    append_event_frame_head(out, to_string(event.type()), ++seq_, data.size());
    out.append(data).append(event_frame_tail);
    ++frames;
  };
  for (; !events_.empty() && bytes < batch_bytes; events_.pop_front()) frame(*events_.front());
  for (; offered_ && offered_next_ < offered_->size() && bytes < batch_bytes; ++offered_next_) {
    auto& event = *(*offered_)[offered_next_];
    if (wanted(event)) frame(event);
  }
  if (events_.size() < limits_.queue_events) full_since_.reset();
  // Not begin_close(): its flush() would start a second write, beside the one
  // this flush() is about to start.
  if (too_slow_) {
    queue_close(ws::close_code::policy_violation, "consumer too slow");
  } else if (going_away_ && events_.empty()) {
    queue_close(ws::close_code::going_away, "server shutting down");
  }
  return frames;
}

void WsSession::on_write(error_code ec, std::size_t) {
  writing_ = false;
  release(unsent_, idle_buffer_bytes);
  if (written(ec)) flush();
}

bool WsSession::written(error_code ec) {
  if (closing_ == Closing::done) return false;
  if (ec) {
    shut();
    return false;
  }
  if (closing_ == Closing::close_sent) {
    // Our close answered theirs: done. Otherwise tell the peer nothing more comes
    // and wait (reading) for its close or the end of the stream, within a bound.
    if (peer_closed_) {
      shut();
      return false;
    }
    // Shutting down: the peer's answer is waited for briefly (not the usual 5 s).
    if (going_away_) arm_shutdown_timer(shutdown_close_wait);
    if (decoder_.failed()) {
      // Nothing more is decoded, so its close would go unseen: end our side now.
      error_code ignored;
      socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    }
    arm_deadline(close_timeout);
    return false;
  }
  return true;
}

// --- Ending ------------------------------------------------------------------

void WsSession::begin_close(std::uint16_t code, std::string_view reason) {
  if (queue_close(code, reason)) flush();
}

bool WsSession::queue_close(std::uint16_t code, std::string_view reason) {
  if (closing_ != Closing::open) return false;
  closing_ = Closing::close_queued;
  close_code_ = code;
  close_reason_ = reason;
  accepting_ = false;
  events_.clear();
  keepalive_timer_.cancel();
  return true;
}

void WsSession::arm_deadline(std::chrono::milliseconds after) {
  if (deadline_armed_) return;
  deadline_armed_ = true;
  deadline_timer_.expires_after(after);
  deadline_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->shut();
  });
}

void WsSession::shut() {
  if (closing_ == Closing::done) return;
  closing_ = Closing::done;
  error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  keepalive_timer_.cancel();
  deadline_timer_.cancel();
  shutdown_timer_.cancel();
  accepting_ = false;
  events_.clear();
  feed_->detach(!topics_.empty());
  ended_.reset();  // a shutdown waiting for this connection need wait no longer
}

// Every ping interval: a peer not heard from since the last ping is dead;
// otherwise it is pinged.
void WsSession::keepalive() {
  keepalive_timer_.expires_after(limits_.ping_interval);
  keepalive_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->closing_ != Closing::open) return;
    if (self->pinged_ && !self->heard_) {
      spdlog::debug("ws: a peer that answered no ping was closed");
      self->metrics_->count_close(WsMetrics::Close::dead_peer);
      return self->shut();
    }
    self->pinged_ = true;
    self->heard_ = false;
    self->keepalive();
    self->send(ws::Opcode::ping, {});
  });
}

// --- Going away (shutdown) ---------------------------------------------------------

void WsSession::go_away(std::shared_ptr<void> ended) {
  net::post(socket_.get_executor(),
            [self = shared_from_this(), ended = std::move(ended)] { self->on_go_away(ended); });
}

void WsSession::on_go_away(std::shared_ptr<void> ended) {
  if (closing_ == Closing::done || going_away_) return;
  // The engine has stopped: what its feed holds and what is queued is all there
  // will be. The feed's round may still be waiting for its batch window.
  feed_->on_round();
  going_away_ = true;
  ended_ = std::move(ended);
  accepting_ = false;
  if (closing_ != Closing::open) {
    // Already closing for another reason: only the bound is added.
    flush_over_ = true;
    return arm_shutdown_timer(limits_.shutdown_flush + shutdown_close_wait);
  }
  arm_shutdown_timer(limits_.shutdown_flush);
  // Sends the queue, batch by batch (each write's end flushes again); take_events()
  // adds the 1001 close to the write that empties it.
  flush();
}

// Only ever brings the end closer.
void WsSession::arm_shutdown_timer(std::chrono::milliseconds after) {
  auto at = Clock::now() + after;
  if (shutdown_armed_ && shutdown_timer_.expiry() <= at) return;
  shutdown_armed_ = true;
  shutdown_timer_.expires_at(at);
  shutdown_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->on_shutdown_timer();
  });
}

void WsSession::on_shutdown_timer() {
  shutdown_armed_ = false;
  if (closing_ == Closing::done) return;
  if (flush_over_ || closing_ != Closing::open) return shut();
  // The flush time is up with events still queued (or a write still under way):
  // the rest is reported as dropped in a note, which goes out with the close as
  // soon as the write under way ends, if it ends within the close wait.
  flush_over_ = true;
  give_up_queue();
  arm_shutdown_timer(shutdown_close_wait);
  flush();
}

void WsSession::give_up_queue() {
  auto left = events_.size();
  events_.clear();
  dropped_ += left;
  metrics_->events_dropped.fetch_add(left, std::memory_order_relaxed);
}

}  // namespace chorus
