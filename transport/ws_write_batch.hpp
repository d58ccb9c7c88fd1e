#pragma once
// One write of a WebSocket connection: the connection's own bytes (frame headers,
// its seq numbers, control frames) with the events' snapshot JSON in between.
//
// Every subscriber of an event is sent the same snapshot, serialised once; copying
// it into each connection's buffer was a tenth of the gateway's CPU at 1,000
// subscribers. Here the snapshot is only pointed at (the batch holds the event
// until the write is done) and the kernel gathers the pieces in one sendmsg.

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include "model/event.hpp"

namespace chorus {

class WsWriteBatch {
 public:
  // The connection's own bytes go here (appended, or swapped in while empty).
  std::string& own() noexcept { return own_; }
  // `bytes`, owned by `event`, goes out next, after the own bytes appended so far.
  void share(std::string_view bytes, EventPtr event) {
    // Filled in place: a Piece built aside and copied in was a store-forwarding
    // stall per event and subscriber (perf: a fifth of the session's own time).
    auto& piece = pieces_.emplace_back();
    piece.own_end = own_.size();
    piece.data = bytes.data();
    piece.size = bytes.size();
    events_.push_back(std::move(event));
    shared_ += bytes.size();
  }

  bool empty() const noexcept { return size() == 0; }
  std::size_t size() const noexcept { return shared_ + own_.size(); }

  // Writes what the socket takes now, without waiting: the bytes written, or 0 with
  // `ec` set (would_block when it takes nothing).
  std::size_t write_some(int fd, boost::system::error_code& ec) {
    gather();
    msghdr message{};
    message.msg_iov = iovecs_.data();
    message.msg_iovlen = std::min(iovecs_.size(), max_iovecs);
    ssize_t sent;
    do {
      sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      ec.assign(errno, boost::system::system_category());
      return 0;
    }
    ec.clear();
    return static_cast<std::size_t>(sent);
  }

  // The buffers after the first `sent` bytes, for an asynchronous write of the rest;
  // valid until clear().
  const std::vector<boost::asio::const_buffer>& rest(std::size_t sent) {
    gather();
    buffers_.clear();
    for (auto& v : iovecs_) {
      if (sent >= v.iov_len) {
        sent -= v.iov_len;
        continue;
      }
      buffers_.emplace_back(static_cast<const char*>(v.iov_base) + sent, v.iov_len - sent);
      sent = 0;
    }
    return buffers_;
  }

  // Lets go of the events and forgets the bytes; an own buffer larger than
  // `keep_capacity` is freed.
  void clear(std::size_t keep_capacity) {
    own_.clear();
    if (own_.capacity() > keep_capacity) std::string().swap(own_);
    pieces_.clear();
    events_.clear();
    iovecs_.clear();
    buffers_.clear();
    shared_ = 0;
    gathered_ = false;
  }

 private:
  // Shared bytes, after the own bytes up to own_end.
  struct Piece {
    std::size_t own_end;
    const char* data;
    std::size_t size;
  };
  static constexpr std::size_t max_iovecs = 1024;  // Linux's UIO_MAXIOV

  // The pieces in order, own runs and shared bytes alternating; pointers into own_
  // are taken once it no longer grows.
  void gather() {
    if (gathered_) return;
    gathered_ = true;
    std::size_t own_begin = 0;
    auto add = [this](const char* data, std::size_t size) {
      if (size == 0) return;
      auto& v = iovecs_.emplace_back();
      v.iov_base = const_cast<char*>(data);
      v.iov_len = size;
    };
    for (auto& p : pieces_) {
      add(own_.data() + own_begin, p.own_end - own_begin);
      add(p.data, p.size);
      own_begin = p.own_end;
    }
    add(own_.data() + own_begin, own_.size() - own_begin);
  }

  std::string own_;
  std::vector<Piece> pieces_;
  std::vector<EventPtr> events_;
  std::vector<iovec> iovecs_;
  std::vector<boost::asio::const_buffer> buffers_;  // rest() only
  std::size_t shared_ = 0;                          // bytes in pieces_
  bool gathered_ = false;
};

}  // namespace chorus
