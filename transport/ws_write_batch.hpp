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
    end_own_run();
    pieces_.push_back({bytes.data(), bytes.size()});
    events_.push_back(std::move(event));
    size_ += bytes.size();
  }

  bool empty() const noexcept { return size() == 0; }
  std::size_t size() const noexcept { return size_ + own_.size() - own_run_start_; }

  // Writes what the socket takes now, without waiting: the bytes written, or 0 with
  // `ec` set (would_block when it takes nothing).
  std::size_t write_some(int fd, boost::system::error_code& ec) {
    seal();
    iovecs_.clear();
    for (auto& b : buffers_) {
      if (iovecs_.size() == max_iovecs) break;
      iovecs_.push_back({const_cast<void*>(b.data()), b.size()});
    }
    msghdr message{};
    message.msg_iov = iovecs_.data();
    message.msg_iovlen = iovecs_.size();
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
    seal();
    auto first = buffers_.begin();
    while (first != buffers_.end() && sent >= first->size()) sent -= (first++)->size();
    buffers_.erase(buffers_.begin(), first);
    if (!buffers_.empty()) buffers_.front() += sent;
    return buffers_;
  }

  // Lets go of the events and forgets the bytes; an own buffer larger than
  // `keep_capacity` is freed.
  void clear(std::size_t keep_capacity) {
    own_.clear();
    if (own_.capacity() > keep_capacity) std::string().swap(own_);
    pieces_.clear();
    events_.clear();
    buffers_.clear();
    own_run_start_ = 0;
    size_ = 0;
    sealed_ = false;
  }

 private:
  // A piece is own bytes (data == nullptr, at `offset` in own_) or shared bytes.
  struct Piece {
    const char* data;
    std::size_t size;
    std::size_t offset = 0;
  };
  static constexpr std::size_t max_iovecs = 1024;  // Linux's UIO_MAXIOV

  void end_own_run() {
    std::size_t run = own_.size() - own_run_start_;
    if (run > 0) pieces_.push_back({nullptr, run, own_run_start_});
    size_ += run;
    own_run_start_ = own_.size();
  }

  // Pointers into own_ are taken once it no longer grows.
  void seal() {
    if (sealed_) return;
    end_own_run();
    buffers_.clear();
    for (auto& p : pieces_) {
      buffers_.emplace_back(p.data ? p.data : own_.data() + p.offset, p.size);
    }
    sealed_ = true;
  }

  std::string own_;
  std::vector<Piece> pieces_;
  std::vector<EventPtr> events_;
  std::vector<boost::asio::const_buffer> buffers_;
  std::vector<iovec> iovecs_;
  std::size_t own_run_start_ = 0;
  std::size_t size_ = 0;  // bytes in pieces_
  bool sealed_ = false;
};

}  // namespace chorus
