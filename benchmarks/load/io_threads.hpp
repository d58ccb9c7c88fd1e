#pragma once
// A load client's I/O threads: `count` threads running one io_context until
// stop(), which stops it and joins them (so does the destructor). Work that keeps
// the context alive while nothing is queued (a work guard) is the caller's.

#include <cstddef>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace chorus::bench {

class IoThreads {
 public:
  IoThreads(boost::asio::io_context& io, std::size_t count) : io_(io) {
    for (std::size_t i = 0; i < count; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~IoThreads() { stop(); }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  void stop() {
    io_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  boost::asio::io_context& io_;
  std::vector<std::thread> threads_;
};

}  // namespace chorus::bench
