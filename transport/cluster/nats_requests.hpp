#pragma once
// Requests a node sends on one NATS subject, each waiting for the first answer
// (request and reply). NATS's request blocks the thread that asks, so a few
// waiting threads of its own do it, never an I/O or engine thread. Past
// max_waiting queued requests, one is answered at once with nothing: a burst
// costs a refusal, never a thread nor unbounded memory.
//
// Safe from any thread; every answer is called once, from a waiting thread (or
// from ask() itself when refused, or from the destructor).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "transport/cluster/nats_link.hpp"

namespace chorus {

struct NatsRequestsOptions {
  std::string subject;
  std::size_t waiting_threads = 4;
  std::size_t max_waiting = 1024;
  int64_t answer_timeout_ms = 2000;
};

class NatsRequests {
 public:
  // The answer's payload; nothing when no node answered in time (or the request
  // was refused, or never sent for the requests stopping).
  using Answer = std::function<void(std::optional<std::string>)>;

  NatsRequests(std::shared_ptr<NatsLink> link, NatsRequestsOptions options);
  // Answers what still waits with nothing, and joins the threads once their
  // requests in flight have their answer (or timed out).
  ~NatsRequests();
  NatsRequests(const NatsRequests&) = delete;
  NatsRequests& operator=(const NatsRequests&) = delete;

  void ask(std::string request, Answer answer);

  // Requests that went out on the subject.
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }

 private:
  struct Waiting {
    std::string request;
    Answer answer;
  };
  void wait_for_answers();
  // The next request to send; nothing once stopping.
  std::optional<Waiting> next();

  const std::shared_ptr<NatsLink> link_;
  const NatsRequestsOptions options_;

  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Waiting> waiting_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace chorus
